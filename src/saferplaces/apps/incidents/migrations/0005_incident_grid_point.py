"""An index on the incidents' grid point (x, y): the incidents near a place are found through
a box on it instead of reading the whole table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0004_no_location_no_grid_point'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(fields=['x', 'y'], name='incident_grid_point'),
        ),
    ]
