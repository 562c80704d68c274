"""The Analysts group: may start assessments and enter partnership scores."""

from django.db import migrations

GROUP = "Analysts"  # as saferplaces.commands.users.ANALYSTS
PERMISSIONS = ("add_assessmentrun", "add_enteredscore", "add_horizonitem", "add_recommendation", "add_target",
               "add_streetweek")  # as saferplaces.commands.users.ANALYST_PERMISSIONS (frozen here)


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="assessments", codename__in=PERMISSIONS))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(create_group, remove_group)]
