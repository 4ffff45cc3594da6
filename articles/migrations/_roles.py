"""Permissions a migration gives the roles (Django's loader skips this module: its name
starts with _)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_to_roles(grants):
    """An operation giving each role (group name) its `articles` permissions
    (`{"Editor": ["view_site", ...]}`), and taking them back on reverse."""

    def permissions(apps, role):
        return apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="articles", codename__in=grants[role]
        )

    def grant(apps, schema_editor):
        # Permissions are normally made after all migrations; the roles need them now.
        app_config = apps.get_app_config("articles")
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
        for group in apps.get_model("auth", "Group").objects.filter(name__in=grants):
            group.permissions.add(*permissions(apps, group.name))

    def revoke(apps, schema_editor):
        for group in apps.get_model("auth", "Group").objects.filter(name__in=grants):
            group.permissions.remove(*permissions(apps, group.name))

    return migrations.RunPython(grant, revoke)
