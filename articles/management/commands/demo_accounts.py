"""Create the demo accounts that `make run` prints, one for each newsroom role.

Refuses to run unless DEBUG is on: known passwords have no place in production.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from articles.models import Editor, Site

DEMO_ACCOUNTS = [
    # username, password, role (group), name on the byline, sites (admins work on all)
    ("admin", "admin-demo-2026", "Admin", None, []),
    ("editor", "editor-demo-2026", "Editor", "Yurri Erfansyah", ["Zona Priangan", "Zona Sulawesi"]),
    ("penulis", "penulis-demo-2026", "Penulis", None, ["Zona Priangan"]),
]


class Command(BaseCommand):
    help = "Buat akun demo untuk tiap peran (hanya saat DEBUG menyala) dan cetak kata sandinya."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Akun demo hanya dibuat saat DEBUG=1.")
        User = get_user_model()
        for username, password, role, editor_name, site_names in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            sites = Site.objects.filter(name__in=site_names) or [Site.objects.default()]
            user.newsroom_sites.set(sites if site_names else [])
            if editor_name:
                editor, _ = Editor.objects.get_or_create(name=editor_name)
                Editor.objects.filter(user=user).exclude(pk=editor.pk).update(user=None)
                editor.user = user
                editor.save(update_fields=["user"])
            where = ", ".join(site.name for site in sites) if site_names else "semua situs"
            self.stdout.write(f"  {role:8} {username} / {password} ({where})")
