"""Wagtail admin screens that list and inspect rows but never write them.

An entity whose one write path is a service (enrolments: courses.learning.enrolment) is shown
in the Wagtail admin with this policy, so the admin's generic add, edit and delete views cannot
bypass the service's rules and audit.
"""

from wagtail.permission_policies.base import ModelPermissionPolicy

WRITE_ACTIONS = frozenset({"add", "change", "delete", "publish", "lock", "unlock"})


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Anyone holding any of the model's permissions may view; nobody may write here."""

    def user_has_permission(self, user, action):
        if action in WRITE_ACTIONS:
            return False
        if action == "view":
            granted = ModelPermissionPolicy.user_has_permission
            return any(granted(self, user, held) for held in ("add", "change", "delete", "view"))
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        readable = [action for action in actions if action not in WRITE_ACTIONS]
        if not readable:
            return self.auth_model.objects.none()
        if "view" in readable:
            readable = ["add", "change", "delete", "view"]
        return super().users_with_any_permission(readable)
