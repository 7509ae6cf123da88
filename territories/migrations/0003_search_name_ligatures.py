"""Search keys spell ligatures out: « Plœuc » is found as « Ploeuc »."""

from django.db import migrations


def refold(apps, schema_editor):
    from territories.geography.models import fold

    Territory = apps.get_model("territories", "Territory")
    changed = []
    for territory in Territory.objects.only("pk", "name", "search_name").iterator():
        key = fold(territory.name)
        if key != territory.search_name:
            territory.search_name = key
            changed.append(territory)
    Territory.objects.bulk_update(changed, ["search_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("territories", "0002_analyses")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
