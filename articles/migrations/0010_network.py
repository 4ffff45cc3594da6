"""One install, many sites: the network's sites, each story's origin and its placements.

The stories there are become the default site's (made from SITE_NAME, SITE_DOMAIN,
SITE_DATELINE and SITE_ALIASES), with every kanal listed there, and each gets its
placement on that site (one INSERT ... SELECT: about a second at 100,000 stories).
`articles_article.site_id` may hold NULL in the column only: SQLite adds such a
column without rebuilding the stories table, which would drop migration 0008's
search triggers; the story form and `full_clean()` require it.

Roles: Admin works on every site and manages sites; Penulis and Editor see sites
and placements, and act only on the sites they are staff of.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ._roles import grant_to_roles

SITE_GRANTS = {
    "Penulis": ["view_site", "view_placement"],
    "Editor": ["view_site", "view_placement"],
    "Admin": [
        "add_site",
        "change_site",
        "delete_site",
        "view_site",
        "work_on_every_site",
        "add_sitealias",
        "change_sitealias",
        "delete_sitealias",
        "view_sitealias",
        "view_placement",
    ],
}


def make_default_site(apps, schema_editor):
    Site = apps.get_model("articles", "Site")
    SiteAlias = apps.get_model("articles", "SiteAlias")
    Section = apps.get_model("articles", "Section")
    site, _ = Site.objects.get_or_create(
        is_default=True,
        defaults={
            "name": settings.SITE_NAME,
            "domain": settings.SITE_DOMAIN.lower(),
            "dateline": settings.SITE_DATELINE.upper(),
        },
    )
    for alias in settings.SITE_ALIASES:
        SiteAlias.objects.get_or_create(domain=alias.lower(), defaults={"site": site})
    site.sections.set(Section.objects.all())
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    article, placement = quote("articles_article"), quote("articles_placement")
    schema_editor.execute(f"UPDATE {article} SET site_id = %s WHERE site_id IS NULL", [site.pk])
    schema_editor.execute(
        f"INSERT INTO {placement} (article_id, site_id, section_id, published_at, headline) "
        f"SELECT id, site_id, section_id, published_at, '' FROM {article}"
    )


def remove_default_site(apps, schema_editor):
    apps.get_model("articles", "Placement").objects.all().delete()
    apps.get_model("articles", "Article").objects.update(site=None)
    apps.get_model("articles", "Site").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_seed_headline"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Site",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, unique=True, verbose_name="nama")),
                (
                    "domain",
                    models.CharField(
                        help_text="Nama host tanpa http:// dan tanpa port, misalnya zonapriangan.com. Alamat kanonis berita situs ini memakai domain ini.",
                        max_length=253,
                        unique=True,
                        verbose_name="domain utama",
                    ),
                ),
                (
                    "dateline",
                    models.CharField(
                        help_text="Huruf kapital, misalnya ZONA PRIANGAN: dicetak di awal berita situs ini.",
                        max_length=80,
                        verbose_name="dateline",
                    ),
                ),
                ("tagline", models.CharField(blank=True, max_length=200, verbose_name="slogan")),
                (
                    "logo",
                    models.ImageField(
                        blank=True,
                        help_text="Untuk Google News dan kartu berbagi; tanpa logo dipakai logo bawaan.",
                        upload_to="logo/",
                        verbose_name="logo",
                    ),
                ),
                (
                    "time_zone",
                    models.CharField(
                        choices=[
                            ("WIB", "WIB (Waktu Indonesia Barat)"),
                            ("WITA", "WITA (Waktu Indonesia Tengah)"),
                            ("WIT", "WIT (Waktu Indonesia Timur)"),
                        ],
                        default="WIB",
                        help_text="Zona waktu bawaan berita baru situs ini dan Indeks-nya.",
                        max_length=4,
                        verbose_name="zona waktu",
                    ),
                ),
                (
                    "is_default",
                    models.BooleanField(
                        default=False,
                        help_text="Situs untuk berkas seed yang dateline-nya tidak cocok dengan situs mana pun.",
                        verbose_name="situs bawaan",
                    ),
                ),
                (
                    "sections",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Kanal yang tampil di navigasi situs ini.",
                        related_name="sites",
                        to="articles.section",
                        verbose_name="kanal",
                    ),
                ),
                (
                    "staff",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Penulis dan editor situs ini: mereka hanya melihat dan menangani berita situs-situs mereka. Admin jaringan melihat semuanya.",
                        related_name="newsroom_sites",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="redaksi",
                    ),
                ),
            ],
            options={
                "verbose_name": "situs",
                "verbose_name_plural": "situs",
                "ordering": ["name"],
                "permissions": [
                    (
                        "work_on_every_site",
                        "Dapat melihat dan menangani berita semua situs jaringan",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Placement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="waktu tayang"),
                ),
                (
                    "headline",
                    models.CharField(
                        blank=True,
                        help_text="Kosongkan untuk memakai judul asli berita.",
                        max_length=300,
                        verbose_name="judul di situs ini",
                    ),
                ),
                (
                    "withdrawn_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="ditarik"),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="placements",
                        to="articles.article",
                        verbose_name="berita",
                    ),
                ),
                (
                    "section",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="placements",
                        to="articles.section",
                        verbose_name="kanal",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="placements",
                        to="articles.site",
                        verbose_name="situs",
                    ),
                ),
            ],
            options={
                "verbose_name": "penayangan",
                "verbose_name_plural": "penayangan",
                "ordering": ["site__name"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="site",
            field=models.ForeignKey(
                help_text="Situs tempat berita ini terbit lebih dulu; alamat kanonisnya di situs ini.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="articles.site",
                verbose_name="situs asal",
            ),
        ),
        migrations.AddField(
            model_name="statechange",
            name="site",
            field=models.ForeignKey(
                blank=True,
                help_text="Untuk penayangan di situs lain; kosong untuk berita di situs asalnya.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="articles.site",
                verbose_name="situs",
            ),
        ),
        migrations.CreateModel(
            name="SiteAlias",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("domain", models.CharField(max_length=253, unique=True, verbose_name="nama host")),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="aliases",
                        to="articles.site",
                        verbose_name="situs",
                    ),
                ),
            ],
            options={
                "verbose_name": "nama host lain",
                "verbose_name_plural": "nama host lain",
            },
        ),
        migrations.AddConstraint(
            model_name="site",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True)),
                fields=("is_default",),
                name="one_default_site",
                violation_error_message="Hanya satu situs yang boleh menjadi situs bawaan.",
            ),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(fields=["site", "-published_at"], name="placement_site_time"),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                fields=["site", "section", "-published_at"], name="placement_site_section_time"
            ),
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=models.UniqueConstraint(
                fields=("article", "site"), name="placement_once_per_site"
            ),
        ),
        migrations.RunPython(make_default_site, remove_default_site),
        grant_to_roles(SITE_GRANTS),
    ]
