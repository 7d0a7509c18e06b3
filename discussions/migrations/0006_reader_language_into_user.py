"""The language of discussion emails (Reader.language) becomes the language of all the
portal's emails (members.User.language): copied here, before 0007 removes Reader.language."""

from django.db import migrations


def reader_languages_into_users(apps, schema_editor):
    """Give each account with a Reader row that row's language, unless the account already
    says one; accounts without a Reader row stay blank (not said yet). Run twice, it changes
    nothing the second time."""
    Reader = apps.get_model("discussions", "Reader")
    User = apps.get_model("members", "User")
    languages = dict(Reader.objects.exclude(language="").values_list("user", "language"))
    users = list(User.objects.filter(pk__in=languages, language=""))
    for user in users:
        user.language = languages[user.pk]
    User.objects.bulk_update(users, ["language"], batch_size=500)


def user_languages_into_readers(apps, schema_editor):
    """Backwards: each Reader row gets its account's language back (0007 reversed has just
    given it the default)."""
    Reader = apps.get_model("discussions", "Reader")
    readers = list(Reader.objects.exclude(user__language="").select_related("user"))
    for reader in readers:
        reader.language = reader.user.language
    Reader.objects.bulk_update(readers, ["language"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0005_first_records"),
        ("members", "0016_user_language"),
    ]

    operations = [migrations.RunPython(reader_languages_into_users, user_languages_into_readers)]
