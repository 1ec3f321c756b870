"""Audit every change of a person's roles, whichever screen or command made it.

Roles are Django groups, so the admin user form, the sign-up adapter and user_add_role all
end in User.groups; listening there means no path can change a role without a trace.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.dispatch import receiver

from lms.accounts.roles import forget_roles
from lms.core.audit import AuditKind, audit_model_changes, audit_record_many, request_actor

VERBS = {"post_add": AuditKind.USER_ROLE_ADD, "post_remove": AuditKind.USER_ROLE_REMOVE}

# Accounts are created and edited from several screens (sign-up, walk-in, the Wagtail user form,
# the profile page); archiving a person is unticking is_active. Passwords are never logged.
audit_model_changes(
    get_user_model(),
    create=AuditKind.USER_CREATE,
    update=AuditKind.USER_UPDATE,
    fields=[
        "email",
        "full_name",
        "agency",
        "position",
        "phone",
        "is_active",
        "is_staff",
        "is_superuser",
    ],  # fmt: skip
)


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
    # Services set _audit_actor on the user they change; an admin form (the Wagtail user or
    # group form) saves the relation itself, during the request of the person using it.
    actor = getattr(instance, "_audit_actor", None) or request_actor()
    audit_record_many(
        actor=actor,
        verb=VERBS[action],
        changes=[(user, {}, {"role": group.name}) for user, group in pairs],
    )


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="accounts.roles_cache")
def forget_changed_roles(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if not reverse:
        forget_roles([instance.pk])
    elif action == "pre_clear":  # the group's members are only known before the clear
        forget_roles(instance.user_set.values_list("pk", flat=True))
    elif pk_set:
        forget_roles(pk_set)


@receiver(pre_delete, sender=Group, dispatch_uid="accounts.roles_cache_group_delete")
@receiver(post_save, sender=Group, dispatch_uid="accounts.roles_cache_group_rename")
def forget_group_members_roles(sender, instance, **kwargs):
    # Deleting a group removes its memberships without m2m_changed; renaming changes a role.
    if instance.pk:
        forget_roles(instance.user_set.values_list("pk", flat=True))
