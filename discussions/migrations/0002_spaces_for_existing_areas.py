"""Every area has a discussion space; new areas get theirs when created (discussions.apps).
This gives one to the areas that existed before discussions did."""

from django.db import migrations


def spaces_for_areas(apps, schema_editor):
    Area = apps.get_model("members", "Area")
    Space = apps.get_model("discussions", "Space")
    taken = set(Space.objects.values_list("slug", flat=True))
    for area in Area.objects.filter(space__isnull=True).order_by("pk"):
        slug, number = area.slug, 2
        while slug in taken:
            slug, number = f"{area.slug}-{number}", number + 1
        taken.add(slug)
        Space.objects.create(
            area=area,
            slug=slug,
            title=area.name_en,
            title_en=area.name_en,
            title_fr=area.name_fr,
            title_es=area.name_es,
            description=area.description_en,
            description_en=area.description_en,
            description_fr=area.description_fr,
            description_es=area.description_es,
            position=10 if area.kind == "thematic" else 20,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0001_initial"),
        ("members", "0008_job_title"),
    ]

    operations = [migrations.RunPython(spaces_for_areas, migrations.RunPython.noop)]
