"""Editors upload, choose and edit images and documents for lessons; DOST officers do the same
for certificate artwork. Wagtail grants these per collection, so the collections are made here:
"Bài học" (lesson media) and "Chứng nhận" (certificate backgrounds, signatures and seals)."""

from django.db import migrations

EDITOR_GROUP = "editor"  # lms.accounts.roles at the time of writing
OFFICER_GROUP = "dost_officer"
LESSONS, CERTIFICATES = "Bài học", "Chứng nhận"
STEPLEN = 4  # treebeard's path step for Wagtail collections


def _child_collection(Collection, root, name):
    existing = Collection.objects.filter(depth=root.depth + 1, name=name).first()
    if existing:
        return existing
    siblings = Collection.objects.filter(path__startswith=root.path, depth=root.depth + 1)
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-STEPLEN:], 36) + 1 if last else 1
    step = _base36(number).rjust(STEPLEN, "0")
    child = Collection.objects.create(
        name=name, path=root.path + step, depth=root.depth + 1, numchild=0
    )
    Collection.objects.filter(pk=root.pk).update(numchild=siblings.count())
    return child


def _base36(number):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"


def grant(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    lessons = _child_collection(Collection, root, LESSONS)
    certificates = _child_collection(Collection, root, CERTIFICATES)
    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    officers, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    grants = [
        (editors, root, ("add_image", "change_image", "choose_image")),
        (editors, root, ("add_document", "change_document", "choose_document")),
        (editors, lessons, ("add_image", "change_image", "choose_image")),
        (officers, certificates, ("add_image", "change_image", "choose_image")),
    ]
    for group, collection, codenames in grants:
        for permission in Permission.objects.filter(
            content_type__app_label__in=("wagtailimages", "wagtaildocs"), codename__in=codenames
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_officers_schedule_classes"),
        ("wagtailcore", "0066_collection_management_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
