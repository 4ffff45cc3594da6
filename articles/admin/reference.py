"""Reference data the stories use: editors, sources, kanal, tags (with merging), photos
and embargo partners. A change to what readers see of them reaches the pages at once,
made here or anywhere else (`readers.signals`)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from ..editorial.photos import focal_point_changed
from ..editorial.tags import merge_tags
from ..media.renditions import rendition_set
from ..models import Editor, Partner, Photo, Section, Site, Source
from ..network import upload_sites, user_photos, user_site_ids, works_on_every_site
from .forms import (
    HTTPS_URLS,
    MergeTagsForm,
    PhotoAdminForm,
    SectionAdminForm,
    make_renditions_soon,
)


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


class PhotoSiteFilter(admin.SimpleListFilter):
    """The photos of one of the user's sites."""

    title = _("situs")
    parameter_name = "situs"

    def lookups(self, request, model_admin):
        sites = Site.objects.all()
        if not works_on_every_site(request.user):
            sites = sites.filter(pk__in=user_site_ids(request.user))
        return [(str(site.pk), site.name) for site in sites]

    def queryset(self, request, queryset):
        return queryset.on_sites([self.value()]) if self.value() else queryset


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """The photo library: the photos of the user's sites (network admins: all) as a grid
    of thumbnails, found by caption, credit, uploader or date. Its caption and credit are
    defaults for the next story that uses it; a photo in use keeps its picture, stays,
    and says where it is used. Its focal point is set by clicking its preview."""

    form = PhotoAdminForm
    list_display = ["thumbnail", "caption", "credit", "uploaded_by", "uploaded_at", "story_count"]
    list_display_links = ["thumbnail", "caption"]
    list_filter = [PhotoSiteFilter, "uploaded_at"]
    date_hierarchy = "uploaded_at"
    search_fields = [
        "caption",
        "credit",
        "uploaded_by__username",
        "uploaded_by__first_name",
        "uploaded_by__last_name",
    ]
    list_select_related = ["uploaded_by"]
    list_per_page = 48
    ordering = ["-pk"]  # newest first, and pages of the story form's search never repeat one
    filter_horizontal = ["sites"]

    class Media:
        css = {"all": ["css/photos.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=user_photos(request.user).values("pk"))
            .annotate(story_count=Count("articles"))
            .order_by("-pk")
        )

    def get_fields(self, request, obj=None):
        fields = ["image", "focal_point", "focal_x", "focal_y", "caption", "credit", "sites"]
        if obj is not None:
            fields += ["used_in", "uploaded_by", "uploaded_at", "size"]
        if works_on_every_site(request.user):
            return fields
        return [field for field in fields if field != "sites"]

    def get_readonly_fields(self, request, obj=None):
        in_use = obj is not None and obj.articles.exists()
        shown = ["focal_point", "used_in", "uploaded_by", "uploaded_at", "size"]
        return (["image"] if in_use else []) + shown

    @admin.display(description=_("foto"))
    def thumbnail(self, photo):
        made = rendition_set(photo, "small")
        if made is None:
            return _("(diproses)") if photo.original else "-"
        smallest = made.jpeg[0]
        return format_html(
            '<img class="photo-library__thumb" src="{}" width="{}" height="{}" alt="" '
            'loading="lazy">',
            smallest.url,
            smallest.width,
            smallest.height,
        )

    @admin.display(description=_("dipakai"), ordering="story_count")
    def story_count(self, photo):
        return photo.story_count

    @admin.display(description=_("titik fokus"))
    def focal_point(self, photo):
        made = rendition_set(photo, "large")
        if made is None:
            return _("Titik fokus bisa dipilih setelah foto selesai diproses.")
        preview = made.jpeg[min(1, len(made.jpeg) - 1)]
        return format_html(
            '<div class="focal-picker" data-focal-picker data-x="{}" data-y="{}">'
            '<img class="focal-picker__image" src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-picker__marker" aria-hidden="true"></span></div>'
            '<p class="help">{}</p>',
            photo.focal_x,
            photo.focal_y,
            preview.url,
            preview.width,
            preview.height,
            _("Pratinjau untuk memilih titik fokus"),
            _(
                "Klik bagian foto yang harus selalu tampil: potongan 16:9, 1:1 dan kartu "
                "media sosial berpusat di titik itu. Simpan untuk membuat potongan baru."
            ),
        )

    @admin.display(description=_("dipakai di"))
    def used_in(self, photo):
        stories = list(photo.articles.order_by("-pk")[:20])
        if not stories:
            return _("Belum dipakai berita mana pun.")
        return format_html_join(
            "",
            '<a class="photo-used-in" href="{}">{}</a><br>',
            (
                (reverse("admin:articles_article_change", args=[story.pk]), story.headline)
                for story in stories
            ),
        )

    @admin.display(description=_("ukuran asli"))
    def size(self, photo):
        if photo.width is None:
            return _("(diproses)")
        return f"{photo.width}×{photo.height} px"

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
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        new_picture = "image" in form.changed_data and obj.image
        if new_picture or (obj.original and not obj.image):  # a large one: its master too
            make_renditions_soon(obj)
        elif change and {"focal_x", "focal_y"} & set(form.changed_data):
            focal_point_changed(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.sites.exists():
            form.instance.sites.set(upload_sites(request.user))

    def get_urls(self):
        defaults = path(
            "<int:photo_id>/defaults/",
            self.admin_site.admin_view(self.defaults_view),
            name="articles_photo_defaults",
        )
        return [defaults, *super().get_urls()]

    def defaults_view(self, request, photo_id):
        """The caption and credit a story takes when it chooses this photo (the story
        form's js/photo-defaults.js fills its own empty fields with them)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = get_object_or_404(user_photos(request.user), pk=photo_id)
        return JsonResponse({"caption": photo.caption, "credit": photo.credit})


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
