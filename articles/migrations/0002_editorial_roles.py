"""The newsroom's roles as groups: Penulis (reporter), Editor and Admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view"]
WRITE = ["add", "change", "view"]
ALL = ["add", "change", "delete", "view"]

PENULIS = {
    "articles.article": WRITE,
    "articles.photo": WRITE,
    "articles.relatedlink": ALL,
    "articles.articlesource": ALL,
    "articles.section": READ,
    "articles.editor": READ,
    "articles.source": READ,
    "articles.revision": READ,
    "articles.statechange": READ,
    "taggit.tag": READ,
}
EDITOR = {**PENULIS, "articles.article": WRITE + ["publish_article", "edit_any_article"]}
ADMIN = {
    **EDITOR,
    "articles.article": ALL + ["publish_article", "edit_any_article"],
    "articles.photo": ALL,
    "articles.section": ALL,
    "articles.editor": ALL,
    "articles.source": ALL,
    "articles.dailyviews": READ,
    "taggit.tag": ALL,
    "taggit.taggeditem": ALL,
    "auth.user": ALL,
    "auth.group": READ,
}
ROLES = {"Penulis": PENULIS, "Editor": EDITOR, "Admin": ADMIN}


def codename(action, model):
    return action if "_" in action else f"{action}_{model}"


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            for action in actions:
                permissions.append(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=codename(action, model)
                    )
                )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
