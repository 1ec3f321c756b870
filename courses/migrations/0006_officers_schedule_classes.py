"""DOST officers open classes and schedule sessions in the Wagtail admin too (no superuser)."""

from django.db import migrations

OFFICER_GROUP = "dost_officer"  # lms.accounts.roles at the time of writing
MODELS = ("trainingclass", "classsession")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    officers, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    for model in MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="courses", model=model)
        for action in ("add", "change", "view"):
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            officers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_session_ends_after_it_starts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
