"""Trainers open the Wagtail admin to add and edit the sessions of the classes they teach
(which sessions is decided per person by courses.services.classes, not by model permissions)."""

from django.db import migrations

TRAINER_GROUP = "trainer"  # lms.accounts.roles at the time of writing


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access_admin is not None:
        trainers, _ = Group.objects.get_or_create(name=TRAINER_GROUP)
        trainers.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0014_enrolment_renewal_cycles"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
