"""Who may give which rights: the rules the account and group pages of the admin keep.

Only a superuser makes superusers or hands out the rights to manage accounts (any
permission of Django's auth app: users, groups, permissions). Anyone else who may
manage accounts (the Admin role) gives only rights they hold themselves, none of
those; manages only accounts whose rights they could have given; and never changes
their own rights. So no role can raise itself, or anyone, above what it has.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

AUTH_APP = "auth"


def permission_name(permission):
    """`app_label.codename`, as `has_perm()` and `get_all_permissions()` spell it."""
    return f"{permission.content_type.app_label}.{permission.codename}"


def manages_accounts(names):
    """Whether the permissions `names` include one over accounts, groups or permissions."""
    return any(name.startswith(f"{AUTH_APP}.") for name in names)


def may_grant(user, names):
    """Whether `user` may give the permissions `names` to an account or a group."""
    if user.is_superuser:
        return True
    return not manages_accounts(names) and set(names) <= user.get_all_permissions()


def rights_of(account):
    """Every permission `account` holds, itself or through its groups, active or not
    (Django's `get_all_permissions()` is empty for an inactive account, which could
    be turned active again)."""
    held = Permission.objects.filter(Q(user=account) | Q(group__user=account))
    return {permission_name(permission) for permission in held.select_related("content_type")}


def may_manage(user, account):
    """Whether `user` may edit or delete `account`: their own (its rights stay as they
    are, see `locked_fields`), or one with no more rights than they may give."""
    if user.is_superuser or account.pk == user.pk:
        return True
    return not account.is_superuser and may_grant(user, rights_of(account))


def grantable_permissions(user):
    """The permissions `user` may give."""
    permissions = Permission.objects.select_related("content_type")
    if user.is_superuser:
        return permissions
    return permissions.filter(
        pk__in=[
            permission.pk
            for permission in permissions
            if may_grant(user, {permission_name(permission)})
        ]
    )


def grantable_groups(user):
    """The groups (roles) `user` may put an account in."""
    groups = Group.objects.all()
    if user.is_superuser:
        return groups
    roles = groups.prefetch_related("permissions__content_type")
    return groups.filter(
        pk__in=[
            group.pk
            for group in roles
            if may_grant(
                user, {permission_name(permission) for permission in group.permissions.all()}
            )
        ]
    )


def locked_fields(user, account):
    """The account form's fields `user` may not change on `account` (None: a new one):
    superuser status for all but superusers, and one's own rights."""
    if user.is_superuser:
        return []
    if account is not None and account.pk == user.pk:
        return ["is_superuser", "is_staff", "groups", "user_permissions"]
    return ["is_superuser"]
