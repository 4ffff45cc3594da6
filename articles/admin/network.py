"""The network's sites and their host names: a change reaches every server and page
(`readers.signals`)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Site, SiteAlias


class SiteAliasInline(admin.TabularInline):
    model = SiteAlias
    extra = 1


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    """The network's sites, with their host names inline."""

    list_display = ["name", "domain", "dateline", "time_zone", "is_default", "story_count"]
    search_fields = ["name", "domain"]
    filter_horizontal = ["sections", "staff"]
    inlines = [SiteAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("articles"))

    @admin.display(description=_("jumlah berita"), ordering="story_count")
    def story_count(self, site):
        return site.story_count
