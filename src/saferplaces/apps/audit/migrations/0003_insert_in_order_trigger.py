"""A database trigger that lets into the audit table only the next link of the chain (the last
sequence plus 1, the last event's hash as previous hash), so no insert, not even SQLite's
REPLACE, can change, remove or rewrite events (see ``audit/triggers.py``)."""

from django.db import migrations

from saferplaces.apps.audit.triggers import insert_create_statements, insert_drop_statements


def create_trigger(apps, schema_editor):
    for statement in insert_create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_trigger(apps, schema_editor):
    for statement in insert_drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
