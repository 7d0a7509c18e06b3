from django.db import migrations, models

# Texts written as free text become translated fields: an activity's partners that are not
# members, its funders, a funding opportunity's donor and the languages of an event. The text
# already there was written in English, the language every record is entered in first.
COPIED = [
    ("Activity", "other_partners"),
    ("Funding", "funder"),
    ("FundingOpportunity", "donor"),
    ("Event", "languages"),
]


def copy_to_english(apps, schema_editor):
    for model_name, field in COPIED:
        model = apps.get_model("activities", model_name)
        for obj in model.objects.all().only("pk", field):
            setattr(obj, f"{field}_en", getattr(obj, field))
            obj.save(update_fields=[f"{field}_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="other_partners_en",
            field=models.TextField(
                blank=True,
                help_text="Names, one per line.",
                null=True,
                verbose_name="partners that are not members",
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="other_partners_es",
            field=models.TextField(
                blank=True,
                help_text="Names, one per line.",
                null=True,
                verbose_name="partners that are not members",
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="other_partners_fr",
            field=models.TextField(
                blank=True,
                help_text="Names, one per line.",
                null=True,
                verbose_name="partners that are not members",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="languages_en",
            field=models.CharField(
                blank=True, max_length=200, null=True, verbose_name="languages of the event"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="languages_es",
            field=models.CharField(
                blank=True, max_length=200, null=True, verbose_name="languages of the event"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="languages_fr",
            field=models.CharField(
                blank=True, max_length=200, null=True, verbose_name="languages of the event"
            ),
        ),
        migrations.AddField(
            model_name="funding",
            name="funder_en",
            field=models.CharField(max_length=200, null=True, verbose_name="funder"),
        ),
        migrations.AddField(
            model_name="funding",
            name="funder_es",
            field=models.CharField(max_length=200, null=True, verbose_name="funder"),
        ),
        migrations.AddField(
            model_name="funding",
            name="funder_fr",
            field=models.CharField(max_length=200, null=True, verbose_name="funder"),
        ),
        migrations.AddField(
            model_name="fundingopportunity",
            name="donor_en",
            field=models.CharField(max_length=200, null=True, verbose_name="donor"),
        ),
        migrations.AddField(
            model_name="fundingopportunity",
            name="donor_es",
            field=models.CharField(max_length=200, null=True, verbose_name="donor"),
        ),
        migrations.AddField(
            model_name="fundingopportunity",
            name="donor_fr",
            field=models.CharField(max_length=200, null=True, verbose_name="donor"),
        ),
        migrations.RunPython(copy_to_english, migrations.RunPython.noop),
    ]
