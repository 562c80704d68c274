"""Database triggers that refuse UPDATE and DELETE on the audit table (and TRUNCATE on
PostgreSQL), so no client can change or remove an event (see ``audit/triggers.py``)."""

from django.db import migrations

from saferplaces.apps.audit.triggers import (
    update_delete_create_statements,
    update_delete_drop_statements,
)


def create_triggers(apps, schema_editor):
    for statement in update_delete_create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in update_delete_drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
