"""Editors manage question banks in the Wagtail admin; DOST officers may read and import them."""

from django.db import migrations

EDITOR_GROUP = "editor"  # lms.accounts.roles at the time of writing
OFFICER_GROUP = "dost_officer"
MODELS = ("questionbank", "questioncategory", "question")


def _permission(apps, model, action):
    # Model permissions are normally created after all migrations run; create them here so a
    # fresh database already grants them.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="quizzes", model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{action}_{model}",
        defaults={"name": f"Can {action} {model}"},
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    officers, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    for model in MODELS:
        for action in ("add", "change", "delete", "view"):
            editors.permissions.add(_permission(apps, model, action))
        officers.permissions.add(_permission(apps, model, "view"))
    if access_admin is not None:
        editors.permissions.add(access_admin)
        officers.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
