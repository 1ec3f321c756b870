"""Editors create, edit and publish course and lesson pages in the Wagtail admin.

Without page permissions an editor can open the admin but cannot add a course anywhere.
"""

from django.db import migrations

EDITOR_GROUP = "editor"  # lms.accounts.roles at the time of writing
PAGE_ACTIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    # Page permissions are normally created after all migrations run; create them here so a
    # fresh database already grants them.
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    for codename in PAGE_ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename}
        )
        # The root covers the home page and the catalogue, whatever their ids on this site.
        GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=permission)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
