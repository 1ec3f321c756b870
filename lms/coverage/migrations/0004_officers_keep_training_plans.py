"""DOST officers keep the yearly training plans in the Wagtail admin."""

from django.db import migrations

OFFICER_GROUP = "dost_officer"  # lms.accounts.roles at the time of writing


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="coverage", model="trainingplan")
    officers, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    for action in ("add", "change", "delete", "view"):
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_trainingplan",
            defaults={"name": f"Can {action} training plan"},
        )
        officers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0003_training_plans"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
