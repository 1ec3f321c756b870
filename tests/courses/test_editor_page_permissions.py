"""Editors create and publish courses and lessons in the Wagtail admin on a fresh database."""


def test_editor_may_add_and_publish_courses_under_the_catalogue(editor, trainee, site_tree):
    catalogue = site_tree["catalogue"]
    permissions = catalogue.permissions_for_user(editor)
    assert permissions.can_add_subpage()
    assert permissions.can_publish_subpage()
    assert not catalogue.permissions_for_user(trainee).can_add_subpage()
