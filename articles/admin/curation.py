"""What the sites put forward: Pilihan Editor and topic pages, each of one site and
showing only stories the user sees in the admin."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..delivery.purge import purge_on_commit
from ..editorial import notes
from ..models import EditorPick, Site, Topic, TopicStory
from ..network import user_site_ids, works_on_every_site


class OnUserSitesMixin:
    """Rows of one site (`site`): a Penulis or Editor sees and picks only their sites'."""

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if works_on_every_site(request.user):
            return rows
        return rows.filter(site_id__in=user_site_ids(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site" and not works_on_every_site(request.user):
            kwargs["queryset"] = Site.objects.filter(pk__in=user_site_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        purge_on_commit([obj.site_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        purge_on_commit([obj.site_id])

    def delete_queryset(self, request, queryset):
        sites = set(queryset.values_list("site_id", flat=True))
        super().delete_queryset(request, queryset)
        purge_on_commit(sites)


class SeenStoriesMixin:
    """A story picked by its key (`article`) must be one the user sees in the admin: a
    hand-made request naming another site's draft is refused, not shown by headline."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["queryset"] = notes.visible_stories(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(EditorPick)
class EditorPickAdmin(OnUserSitesMixin, SeenStoriesMixin, admin.ModelAdmin):
    """Pilihan Editor per site, on the home page (no kanal) or one kanal, in order,
    until each expires (pages showing a pick are cached no longer than that)."""

    list_display = ["article", "site", "place", "position", "expires_at", "is_current"]
    list_editable = ["position", "expires_at"]
    list_filter = ["site", "section"]
    list_select_related = ["article", "site", "section"]
    autocomplete_fields = ["article", "section"]
    ordering = ["site", "section", "position"]

    @admin.display(description=_("tempat"), ordering="section")
    def place(self, pick):
        return pick.section or _("Beranda")

    @admin.display(description=_("masih tampil"), boolean=True)
    def is_current(self, pick):
        return pick.expires_at > timezone.now()


class TopicStoryInline(SeenStoriesMixin, admin.TabularInline):
    model = TopicStory
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["article", "position"]


@admin.register(Topic)
class TopicAdmin(OnUserSitesMixin, admin.ModelAdmin):
    """Topic pages (/topik/<slug>/): pinned stories in order, then the tag's."""

    list_display = ["title", "site", "slug", "tag"]
    list_filter = ["site"]
    list_select_related = ["site", "tag"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tag"]
    inlines = [TopicStoryInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        purge_on_commit([form.instance.site_id])
