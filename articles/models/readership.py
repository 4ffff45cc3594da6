"""Readers' view counts: one row per story and day, and the batches already added."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .stories import Article


class DailyViews(models.Model):
    """Views of one story on one day (Asia/Jakarta), incremented atomically."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("jumlah baca harian")
        verbose_name_plural = _("jumlah baca harian")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="daily_views_one_row_per_day"),
        ]
        indexes = [models.Index(fields=["day", "article"], name="daily_views_by_day")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"


class ViewBatch(models.Model):
    """A batch of buffered views already added to DailyViews, so it is never added twice."""

    batch = models.CharField(max_length=32, unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("kiriman jumlah baca")
        verbose_name_plural = _("kiriman jumlah baca")

    def __str__(self):
        return self.batch
