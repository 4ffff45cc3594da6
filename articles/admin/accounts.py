"""Accounts and roles: Django's own pages, and the rules of who may give which rights
that they keep.

Only a superuser makes superusers or hands out the rights to manage accounts (any
permission of Django's auth app: users, groups, permissions). Anyone else who may
manage accounts (the Admin role) gives only rights they hold themselves, none of
those; manages only accounts whose rights they could have given; and never changes
their own rights. So no role can raise itself, or anyone, above what it has.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission, User
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


# The pages: Django's own, keeping the rules above.

admin.site.unregister(User)
admin.site.unregister(Group)


class ManagedRowsMixin:
    """Changes and deletes only the rows `may_manage()` allows, in the "delete selected"
    action too (which asks no question per row: one refused row refuses it all)."""

    def may_manage(self, user, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.may_manage(request.user, obj))

    def get_deleted_objects(self, objs, request):
        deleted, counts, refused, protected = super().get_deleted_objects(objs, request)
        if not all(self.may_manage(request.user, obj) for obj in objs):
            refused.add(self.opts.verbose_name)
        return deleted, counts, refused, protected


@admin.register(User)
class AccountAdmin(ManagedRowsMixin, DjangoUserAdmin):
    """Accounts: whoever is not a superuser gives only the roles and permissions they may
    give, edits or deletes only accounts with no more rights (`may_manage()`),
    and never changes superuser status or their own rights. A refused value is not
    offered and, posted anyway, is not a valid choice or not a field of the form."""

    may_manage = staticmethod(may_manage)  # the rule above, as the mixin asks

    def get_readonly_fields(self, request, obj=None):
        locked = locked_fields(request.user, obj)
        return [*super().get_readonly_fields(request, obj), *locked]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = grantable_groups(request.user)
        elif db_field.name == "user_permissions":
            kwargs["queryset"] = grantable_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Group)
class RoleAdmin(ManagedRowsMixin, DjangoGroupAdmin):
    """Roles (groups): whoever is not a superuser changes or deletes only a role whose
    permissions they may give, and gives it no others."""

    def may_manage(self, user, group):
        permissions = group.permissions.select_related("content_type")
        names = {permission_name(permission) for permission in permissions}
        return may_grant(user, names)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = grantable_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
