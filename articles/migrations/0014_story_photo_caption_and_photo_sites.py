"""Stories own their photo's caption and credit; photos belong to sites.

Each story takes its photo's present caption and credit as its own. Each photo
belongs to the sites of the stories using it, an unused one to the default site.
The story columns are NULL-able without a default so that SQLite adds them in
place (a rebuilt stories table would lose migration 0008's FTS5 triggers).
Going back, each photo takes the caption and credit of the story that last
changed among those using it.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def copy_to_stories_and_sites(apps, schema_editor):
    Article, Photo, Site = (
        apps.get_model("articles", name) for name in ("Article", "Photo", "Site")
    )
    photo = Photo.objects.filter(pk=OuterRef("photo_id"))
    Article.objects.filter(photo__isnull=False).update(
        photo_caption=Subquery(photo.values("caption")[:1]),
        photo_credit=Subquery(photo.values("credit")[:1]),
    )
    PhotoSite = Photo.sites.through
    used = Article.objects.filter(photo__isnull=False, site__isnull=False)
    PhotoSite.objects.bulk_create(
        PhotoSite(photo_id=photo_id, site_id=site_id)
        for photo_id, site_id in used.values_list("photo_id", "site_id").distinct()
    )
    default = Site.objects.filter(is_default=True).first() or Site.objects.order_by("pk").first()
    if default is not None:
        PhotoSite.objects.bulk_create(
            PhotoSite(photo_id=photo_id, site_id=default.pk)
            for photo_id in Photo.objects.filter(sites=None).values_list("pk", flat=True)
        )


def copy_back_to_photos(apps, schema_editor):
    Article, Photo = apps.get_model("articles", "Article"), apps.get_model("articles", "Photo")
    latest = Article.objects.filter(photo_id=OuterRef("pk")).order_by("-updated_at", "-pk")
    Photo.objects.filter(articles__isnull=False).distinct().update(
        caption=Coalesce(Subquery(latest.values("photo_caption")[:1]), Value("")),
        credit=Coalesce(Subquery(latest.values("photo_credit")[:1]), Value("")),
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_reader")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="photo_caption",
            field=models.TextField(blank=True, null=True, verbose_name="keterangan foto"),
        ),
        migrations.AddField(
            model_name="article",
            name="photo_credit",
            field=models.CharField(
                blank=True, max_length=200, null=True, verbose_name="kredit foto"
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                editable=False,
                help_text="Naik setiap kali berita disimpan atau statusnya berubah.",
                verbose_name="versi",
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="sites",
            field=models.ManyToManyField(
                blank=True,
                help_text="Redaksi situs-situs ini melihat, memakai dan menyunting foto ini.",
                related_name="photos",
                to="articles.site",
                verbose_name="situs",
            ),
        ),
        migrations.RunPython(copy_to_stories_and_sites, copy_back_to_photos),
    ]
