"""Reference data the stories use: editors, sources, kanal, tags (with merging), photos
and embargo partners. A change to what readers see of them reaches the pages at once,
made here or anywhere else (`readers.signals`)."""

from django.contrib import admin
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from ..editorial.tags import merge_tags
from ..models import Editor, Partner, Photo, Section, Source
from ..network import upload_sites, user_photos, works_on_every_site
from .forms import HTTPS_URLS, MergeTagsForm, SectionAdminForm, make_renditions_soon


class StoryCountMixin:
    """Shows how many stories use each row; `story_relation` is the path to them."""

    story_relation = "articles"

    def get_queryset(self, request):
        # A grouped query drops Meta.ordering: keep it, or autocomplete pages repeat rows.
        ordering = self.get_ordering(request) or self.model._meta.ordering or ("pk",)
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Count(self.story_relation))
            .order_by(*ordering)
        )

    @admin.display(description=_("jumlah berita"), ordering="story_count")
    def story_count(self, obj):
        return obj.story_count


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """The photos of the user's sites (network admins: all), each belonging to the sites
    of its uploader. Its caption and credit are defaults for the next story that uses
    it; a photo in use keeps its picture and stays, so no story changes from here."""

    list_display = ["caption", "credit", "width", "height"]
    search_fields = ["caption", "credit"]
    ordering = ["-pk"]  # newest first, and pages of the story form's search never repeat one
    filter_horizontal = ["sites"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=user_photos(request.user).values("pk"))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if works_on_every_site(request.user):
            return fields
        return [field for field in fields if field != "sites"]

    def get_readonly_fields(self, request, obj=None):
        in_use = obj is not None and obj.articles.exists()
        return ["image"] if in_use else []

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._on_users_sites(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or (self._on_users_sites(request.user, obj) and not obj.articles.exists())
        )

    @staticmethod
    def _on_users_sites(user, photo):
        return user_photos(user).filter(pk=photo.pk).exists()

    def delete_queryset(self, request, queryset):
        """Photos no story uses: deleting one in use would take it off its stories."""
        super().delete_queryset(request, queryset.filter(articles=None))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data and obj.image:
            make_renditions_soon(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.sites.exists():
            form.instance.sites.set(upload_sites(request.user))


@admin.register(Editor)
class EditorAdmin(StoryCountMixin, admin.ModelAdmin):
    list_display = ["name", "user", "story_count"]
    list_select_related = ["user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Source)
class SourceAdmin(StoryCountMixin, admin.ModelAdmin):
    """A source still cited by a story cannot be deleted (the database protects it)."""

    story_relation = "articlesource"
    list_display = ["name", "url", "story_count"]
    search_fields = ["name"]
    formfield_overrides = HTTPS_URLS
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(StoryCountMixin, admin.ModelAdmin):
    form = SectionAdminForm
    list_display = ["name", "position", "story_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(StoryCountMixin, TaggitTagAdmin):
    story_relation = "taggit_taggeditem_items"
    list_display = ["name", "slug", "story_count"]
    actions = ["merge"]
    # taggit's inline lists every tagged item as a form (content type and object id):
    # thousands on a big tag's page. Stories get their tags on the story form.
    inlines = []

    @admin.action(description=_("Gabungkan tag yang dipilih"), permissions=["change"])
    def merge(self, request, queryset):
        form = MergeTagsForm(request.POST if "target" in request.POST else None)
        form.fields["target"].queryset = queryset
        if form.is_valid():
            target, merged = form.cleaned_data["target"], list(queryset)
            moved = merge_tags(target, merged)
            self.message_user(
                request,
                _("%(count)s tag digabung ke '%(target)s'; %(moved)s berita dipindahkan.")
                % {"count": len(merged) - 1, "target": target, "moved": moved},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Gabungkan tag"),
            "form": form,
            "tags": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge.html", context)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Partner outlets and the secret address of their embargo feed."""

    list_display = ["name", "is_active", "feed_address"]
    search_fields = ["name"]
    readonly_fields = ["feed_address"]

    @admin.display(description=_("alamat umpan embargo"))
    def feed_address(self, partner):
        return partner.get_feed_url() if partner.pk else "-"
