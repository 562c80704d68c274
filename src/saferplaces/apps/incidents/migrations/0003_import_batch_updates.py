"""Import records count the stored incidents a later file updated and the ones a later
download of a force's month no longer had (removed); earlier imports count 0 of each."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0002_map_points'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='rows_removed',
            field=models.PositiveIntegerField(default=0, help_text="Stored incidents of a force's month this later download no longer has"),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='rows_updated',
            field=models.PositiveIntegerField(default=0, help_text='Stored incidents this file had a later version of, updated in place'),
        ),
    ]
