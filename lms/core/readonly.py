"""Wagtail admin screens that list and inspect rows but never write them.

An entity whose one write path is a service (enrolments: courses.learning.enrolment;
certificates: courses.certificates.services) is shown in the Wagtail admin with this policy, so
the admin's generic add, edit and delete views cannot bypass the service's rules and audit.
"""

from wagtail.permission_policies import ModelPermissionPolicy


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """The "view" permission still decides who sees the list; nobody adds, edits or deletes."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
