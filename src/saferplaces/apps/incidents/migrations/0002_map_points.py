"""Areas are stored per map point instead of per incident, and bulk loads build fewer, cheaper indexes.

- Every incident gets the map point it was recorded at (its point and LSOA code); the areas of
  each point are copied from the incident-area links, which are then dropped.
- The unique index on an incident's identity puts the reference first (it varies, so building
  the index sorts faster); on PostgreSQL the identity columns compare byte by byte (collation
  "C"): they are identifiers, never shown in sorted order.
- Incidents are indexed by month alone.
"""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = [
    # the store keeps a missing point as both coordinates missing
    """INSERT INTO incidents_mappoint (lon, lat, lsoa_code)
       SELECT DISTINCT lon, lat, lsoa_code FROM incidents_incident
       WHERE lon IS NOT NULL AND lat IS NOT NULL""",
    """INSERT INTO incidents_mappoint (lsoa_code)
       SELECT DISTINCT lsoa_code FROM incidents_incident
       WHERE (lon IS NULL OR lat IS NULL) AND lsoa_code <> ''""",
    """UPDATE incidents_incident SET point_id = (
         SELECT p.id FROM incidents_mappoint p WHERE p.lsoa_code = incidents_incident.lsoa_code
         AND p.lon = incidents_incident.lon AND p.lat = incidents_incident.lat)
       WHERE lon IS NOT NULL AND lat IS NOT NULL""",
    """UPDATE incidents_incident SET point_id = (
         SELECT p.id FROM incidents_mappoint p WHERE p.lsoa_code = incidents_incident.lsoa_code
         AND p.lon IS NULL)
       WHERE (lon IS NULL OR lat IS NULL) AND lsoa_code <> ''""",
    """INSERT INTO incidents_mappointarea (point_id, area_id)
       SELECT DISTINCT i.point_id, l.area_id FROM incidents_incidentarea l
       JOIN incidents_incident i ON i.id = l.incident_id WHERE i.point_id IS NOT NULL""",
]

def identifiers_compare_bytes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE incidents_incident ALTER COLUMN source TYPE varchar(40) COLLATE "C", '
                              'ALTER COLUMN source_ref TYPE varchar(100) COLLATE "C"')


def identifiers_compare_by_locale(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE incidents_incident ALTER COLUMN source TYPE varchar(40) "
                              'COLLATE "default", ALTER COLUMN source_ref TYPE varchar(100) COLLATE "default"')


BACKWARD = [
    """INSERT INTO incidents_incidentarea (incident_id, area_id)
       SELECT i.id, l.area_id FROM incidents_incident i
       JOIN incidents_mappointarea l ON l.point_id = i.point_id""",
]


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='MapPoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('lon', models.FloatField(null=True)),
                ('lat', models.FloatField(null=True)),
                ('lsoa_code', models.CharField(blank=True, default='', max_length=12)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('lsoa_code', 'lon', 'lat'), name='map_point_unique')],
            },
        ),
        migrations.CreateModel(
            name='MapPointArea',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='incidents.area')),
                ('point', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='incidents.mappoint')),
            ],
            options={
                'indexes': [models.Index(fields=['area', 'point'], name='incidents_m_area_id_dc49f6_idx')],
                'constraints': [models.UniqueConstraint(fields=('point', 'area'), name='map_point_area_unique')],
            },
        ),
        migrations.AddField(
            model_name='mappoint',
            name='areas',
            field=models.ManyToManyField(related_name='points', through='incidents.MapPointArea', to='incidents.area'),
        ),
        migrations.AddField(
            model_name='incident',
            name='point',
            field=models.ForeignKey(db_constraint=False, db_index=False, help_text="Where it was recorded; the areas it falls in are the point's", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='incidents', to='incidents.mappoint'),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RemoveField(
            model_name='incident',
            name='areas',
        ),
        migrations.DeleteModel(
            name='IncidentArea',
        ),
        migrations.RemoveConstraint(
            model_name='incident',
            name='incident_source_ref_unique',
        ),
        migrations.RunPython(identifiers_compare_bytes, identifiers_compare_by_locale),
        migrations.AddConstraint(
            model_name='incident',
            constraint=models.UniqueConstraint(models.F('source_ref'), models.F('source'), name='incident_source_ref_unique'),
        ),
        migrations.RemoveIndex(
            model_name='incident',
            name='incidents_i_month_ddd806_idx',
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(fields=['month'], name='incident_month'),
        ),
    ]
