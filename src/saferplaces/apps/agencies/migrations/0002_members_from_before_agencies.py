"""Users from before agencies existed keep what they could do: they join one agency,
"Partnership (users from before agencies)", as analysts if they were in the Analysts group and as
viewers otherwise. An administrator then moves them to their real agencies (``saferplaces users
add NAME --agency A --role R``). Nothing is done on a database with no users."""

from django.db import migrations

AGENCY = "Partnership (users from before agencies)"
ANALYSTS = "Analysts"  # the group made by assessments.0002 (frozen here)


def forwards(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Agency = apps.get_model("agencies", "Agency")
    Membership = apps.get_model("agencies", "Membership")
    users = User.objects.filter(membership__isnull=True).order_by("pk")
    if not users.exists():
        return
    agency, _ = Agency.objects.get_or_create(name=AGENCY, defaults={"kind": "other"})
    for user in users:
        analyst = user.groups.filter(name=ANALYSTS).exists()
        Membership.objects.create(user=user, agency=agency, role="analyst" if analyst else "viewer")


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("assessments", "0002_analysts_group"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
