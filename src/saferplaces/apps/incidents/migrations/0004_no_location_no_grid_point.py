"""Incidents with no location were stored with an infinite grid point (the projection library
turns a missing longitude/latitude into infinity); they have no grid point: NULL."""

from django.db import migrations


def clear_infinite_grid_points(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    Incident.objects.filter(lon__isnull=True).exclude(x__isnull=True, y__isnull=True).update(x=None, y=None)


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0003_import_batch_updates"),
    ]

    operations = [migrations.RunPython(clear_infinite_grid_points, migrations.RunPython.noop)]
