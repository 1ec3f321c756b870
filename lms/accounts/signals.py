"""Audit every change of a person's roles, whichever screen or command made it.

Roles are Django groups, so the admin user form, the sign-up adapter and user_add_role all
end in User.groups; listening there means no path can change a role without a trace.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from lms.core.audit import audit_record_many

VERBS = {"post_add": "user.role_add", "post_remove": "user.role_remove"}


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts.role_audit_raw")
def mark_fixture_load(sender, instance, raw, **kwargs):
    # loaddata saves raw and then sets the groups of the same instance: a restored backup
    # carries its own audit rows, so restoring must not log the roles again.
    if raw:
        instance._restoring = True


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="accounts.role_audit")
def audit_role_change(sender, instance, action, reverse, pk_set, **kwargs):
    if getattr(instance, "_restoring", False):
        return
    if action == "pre_clear":
        # clear() reports no ids afterwards; remember them to log each removal.
        if reverse:
            instance._cleared_pks = set(instance.user_set.values_list("pk", flat=True))
        else:
            instance._cleared_pks = set(instance.groups.values_list("pk", flat=True))
        return
    if action == "post_clear":
        action, pk_set = "post_remove", getattr(instance, "_cleared_pks", set())
    if action not in VERBS or not pk_set:
        return
    if reverse:
        pairs = [(user, instance) for user in get_user_model().objects.filter(pk__in=pk_set)]
    else:
        pairs = [(instance, group) for group in Group.objects.filter(pk__in=pk_set)]
    # Services set _audit_actor on the user they change; admin forms leave it unknown.
    actor = getattr(instance, "_audit_actor", None)
    audit_record_many(
        actor=actor,
        verb=VERBS[action],
        changes=[(user, {}, {"role": group.name}) for user, group in pairs],
    )
