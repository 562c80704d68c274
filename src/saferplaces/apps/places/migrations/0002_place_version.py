"""Places get a version, for optimistic locking of their edits."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='place',
            name='version',
            field=models.PositiveIntegerField(default=1, help_text='Optimistic locking: +1 on every change'),
        ),
    ]
