"""DOST officers read the coverage report in the Wagtail admin, so their group may enter it."""

from django.db import migrations

OFFICER_GROUP = "dost_officer"  # lms.accounts.roles.DOST_OFFICER at the time of writing


def grant_admin_access(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if permission is None:
        return
    group, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant_admin_access, migrations.RunPython.noop)]
