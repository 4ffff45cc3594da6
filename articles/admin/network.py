"""The network's sites and their host names: a change reaches every server and page."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Site, SiteAlias
from ..network import forget_sites
from ..readers.navigation import kanal_changed


class SiteAliasInline(admin.TabularInline):
    model = SiteAlias
    extra = 1


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    """The network's sites; a change reaches that site's pages at once."""

    list_display = ["name", "domain", "dateline", "time_zone", "is_default", "story_count"]
    search_fields = ["name", "domain"]
    filter_horizontal = ["sections", "staff"]
    inlines = [SiteAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("articles"))

    @admin.display(description=_("jumlah berita"), ordering="story_count")
    def story_count(self, site):
        return site.story_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._changed(form.instance)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed(obj)

    @staticmethod
    def _changed(site):
        """Host names, name, logo or kanal list changed: every server and page sees it."""
        forget_sites()
        kanal_changed()
