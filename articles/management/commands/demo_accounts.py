"""Create the demo accounts that `make run` prints, for trying the admin locally.

Refuses to run unless DEBUG is on: known passwords have no place in production.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

from articles.models import Editor

DEMO_ACCOUNTS = [
    # username, password, superuser, editor name
    ("admin", "admin-demo-2026", True, None),
    ("editor", "editor-demo-2026", False, "Yurri Erfansyah"),
]


class Command(BaseCommand):
    help = "Buat akun demo (hanya saat DEBUG menyala) dan cetak kata sandinya."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Akun demo hanya dibuat saat DEBUG=1.")
        User = get_user_model()
        newsroom_permissions = Permission.objects.filter(content_type__app_label__in=["articles", "taggit"])
        for username, password, is_superuser, editor_name in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
            if not is_superuser:
                user.user_permissions.set(newsroom_permissions)
            if editor_name:
                editor, _ = Editor.objects.get_or_create(name=editor_name)
                Editor.objects.filter(user=user).exclude(pk=editor.pk).update(user=None)
                editor.user = user
                editor.save(update_fields=["user"])
            self.stdout.write(f"  {username} / {password}")
