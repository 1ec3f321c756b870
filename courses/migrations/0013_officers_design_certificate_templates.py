"""DOST officers design certificate templates in the Wagtail admin (no superuser needed).

They also need to choose images for the logo, signature and seal: 0007 lets them upload and
choose images.
"""

from django.db import migrations

OFFICER_GROUP = "dost_officer"  # lms.accounts.roles at the time of writing


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    officers, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    content_type, _ = ContentType.objects.get_or_create(
        app_label="courses", model="certificatetemplate"
    )
    for action in ("add", "change", "view"):
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_certificatetemplate",
            defaults={"name": f"Can {action} certificate template"},
        )
        officers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0012_certificate_template_images_place_legal_basis"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
