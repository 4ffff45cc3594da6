"""The stories: `ArticleAdmin` with its inlines and list filters, the change form's
workflow, placements, timeline and autosave around it. Its extra pages are the views of
`story_views`, wired in `get_urls()`."""

from django.contrib import admin
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .. import text
from ..delivery.purge import purge_on_commit, purge_when_public, story_site_ids
from ..editorial import autosave, notes, placements, presence, revisions, workflow
from ..models import (
    Article,
    ArticleSource,
    Byline,
    DailyViews,
    LiveUpdate,
    Note,
    Photo,
    Placement,
    RelatedLink,
    Site,
)
from ..network import (
    may_work_on,
    site_of,
    user_photos,
    user_site_ids,
    user_sites,
    works_on_every_site,
)
from .forms import HTTPS_URLS, ArticleAdminForm, embargo_is_fixed
from .story_views import (
    AutosaveView,
    DeletedStoriesView,
    NotesView,
    OnSiteView,
    PlacementView,
    PresenceView,
    PreviewView,
    ResolveNoteView,
    RestoreRevisionView,
    RevisionsView,
    TagSuggestionsView,
    WorkflowView,
)


class ArticleSourceInline(admin.TabularInline):
    model = ArticleSource
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "position"]


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 1
    autocomplete_fields = ["target"]
    fields = ["after_paragraph", "position", "target", "title", "url"]
    formfield_overrides = HTTPS_URLS

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj and obj.related_links.exists() else 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":  # what the Baca Juga search offers, and no other
            kwargs["queryset"] = notes.visible_stories(request.user) | Article.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BylineInline(admin.TabularInline):
    """The people credited on the story, in the order the page prints them."""

    model = Byline
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["position", "person", "role"]
    ordering = ["position", "pk"]


class LiveUpdateInline(admin.StackedInline):
    """A live report's updates; saving the story purges its sites, so readers' open
    pages show a new update at their next poll."""

    model = LiveUpdate
    # None until the editor adds one: an empty form's time (now, as it was rendered)
    # would make a restored autosave look like an update without text.
    extra = 0
    fields = ["at", "title", "text"]
    verbose_name = _("pembaruan laporan langsung")
    verbose_name_plural = _("pembaruan laporan langsung (centang 'laporan langsung' di atas)")


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"
    SCHEDULED = "scheduled"

    def lookups(self, request, model_admin):
        return [*Article.Status.choices, (self.SCHEDULED, _("Terjadwal"))]

    def queryset(self, request, queryset):
        if self.value() == self.SCHEDULED:
            return queryset.scheduled()
        if self.value() == Article.Status.PUBLISHED:
            return queryset.published()
        if self.value() in Article.Status.values:
            return queryset.filter(status=self.value())
        return queryset


class SiteFilter(admin.SimpleListFilter):
    """Stories running on one site (its own and those placed there), of the user's sites."""

    title = _("situs")
    parameter_name = "situs"

    def lookups(self, request, model_admin):
        return [(str(site.pk), site.name) for site in user_sites(request.user)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            site_id = int(self.value())
        except ValueError:
            return queryset.none()
        on_site = Placement.objects.filter(article=OuterRef("pk"), site_id=site_id)
        return queryset.filter(Exists(on_site))


class MineFilter(admin.SimpleListFilter):
    title = _("penulis")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("Tulisan saya"))]

    def queryset(self, request, queryset):
        return queryset.filter(author=request.user) if self.value() == "1" else queryset


class TagFilter(admin.SimpleListFilter):
    """The 30 most used tags; the search box finds the others."""

    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = Tag.objects.annotate(uses=Count("taggit_taggeditem_items")).order_by("-uses", "name")
        return [(tag.slug, tag.name) for tag in tags[:30]]

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset


def views_total():
    per_story = (
        DailyViews.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(total=Sum("views"))
        .values("total")
    )
    return Coalesce(Subquery(per_story, output_field=IntegerField()), 0)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline", "status_badge", "site", "section", "editor", "publication_time", "views",
    ]  # fmt: skip
    list_filter = [
        SiteFilter, StatusFilter, MineFilter, "section", "editor", TagFilter, "published_at",
    ]  # fmt: skip
    list_select_related = ["site", "section", "editor"]
    list_per_page = 100
    search_fields = ["headline", "body"]
    ordering = ["-updated_at"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["photo", "editor", "section"]
    inlines = [BylineInline, ArticleSourceInline, RelatedLinkInline, LiveUpdateInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "dateline",
                    "body",
                    "end_mark",
                    "is_live",
                    "loaded_version",
                ],
                "description": _(
                    "Pisahkan paragraf dengan satu baris kosong. Untuk memecah berita menjadi "
                    "beberapa halaman, tulis [halaman] sendirian di antara dua paragraf."
                ),
            },
        ),
        (
            _("Foto utama"),
            {
                "fields": [
                    "photo",
                    "photo_thumbnail",
                    "photo_image",
                    "photo_caption",
                    "photo_credit",
                ]
            },
        ),
        (_("Redaksi"), {"fields": ["site", "section", "editor", "tags", "author"]}),
        (
            _("Penerbitan"),
            {
                "fields": [
                    "status_badge",
                    "publication_time",
                    "time_zone",
                    "correction",
                    "embargo_until",
                    "embargo_partners",
                ]
            },
        ),
    ]

    # The changelist -----------------------------------------------------------

    def get_queryset(self, request):
        """The stories of the user's sites: their own, and those placed there. A Baca
        Juga link may also pick any published story of the network."""
        stories = super().get_queryset(request).annotate(views_total=views_total())
        if works_on_every_site(request.user):
            return stories
        sites = user_site_ids(request.user)
        placed_here = Placement.objects.filter(article=OuterRef("pk"), site_id__in=sites)
        visible = Q(site_id__in=sites) | Q(Exists(placed_here))
        if self._is_baca_juga_search(request):
            visible |= Q(pk__in=Article.objects.published().values("pk"))
        return stories.filter(visible)

    @staticmethod
    def _is_baca_juga_search(request):
        return (
            request.path.endswith("/autocomplete/")
            and request.GET.get("model_name") == "relatedlink"
            and request.GET.get("field_name") == "target"
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "site" in form.base_fields:
            field = form.base_fields["site"]
            field.queryset = user_sites(request.user)
            field.initial = self._home_site(request)
        if "photo" in form.base_fields:
            # The photos of the user's sites, and the one the story has. Never edited
            # from here in place: other stories may use it (a new one is added instead).
            field = form.base_fields["photo"]
            kept = Photo.objects.filter(pk=obj.photo_id if obj else None)
            field.queryset = user_photos(request.user) | kept
            field.widget.can_change_related = field.widget.can_delete_related = False
        return form

    @staticmethod
    def _home_site(request):
        """Where a new story starts: the site of the admin's host when the user works
        on it, else the first of their sites."""
        here = site_of(request)
        if here is not None and may_work_on(request.user, here.pk):
            return here.pk
        first = user_sites(request.user).first()
        return first.pk if first else None

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        site = Site.objects.filter(pk=self._home_site(request)).first()
        if site is not None:
            initial.setdefault("dateline", site.dateline)
            initial.setdefault("time_zone", site.time_zone)
        return initial

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, article):
        return format_html(
            '<span class="status status--{}">{}</span>', article.status, article.status_label
        )

    @admin.display(description=_("waktu terbit"), ordering="published_at")
    def publication_time(self, article):
        return article.date_line or "-"

    @admin.display(description=_("dibaca"), ordering="views_total")
    def views(self, article):
        return article.views_total

    @admin.display(description=_("pratinjau foto"))
    def photo_thumbnail(self, article):
        if article.photo and article.photo.image:
            return format_html(
                '<img src="{}" alt="" style="max-width:240px;height:auto">', article.photo.image.url
            )
        return "-"

    def view_on_site(self, article):
        """Only a story readers can see gets a "Lihat di situs" link (to its origin site);
        the rest have Pratinjau."""
        if not article.is_published:
            return None
        return reverse("admin:articles_article_on_site", args=[article.pk])

    # Who may do what -------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status_badge", "publication_time", "photo_thumbnail", "author"]
        if obj is not None and obj.first_published_at is not None:
            # Part of the public address once it has been live: the slug, the origin.
            readonly += ["slug", "site"]
        if (obj is not None and embargo_is_fixed(obj)) or not request.user.has_perm(
            workflow.PUBLISH_PERMISSION
        ):
            readonly += ["embargo_until", "embargo_partners"]
        return readonly

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self._on_users_sites(request.user, obj))

    @staticmethod
    def _on_users_sites(user, article):
        return works_on_every_site(user) or bool(story_site_ids(article) & user_site_ids(user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_work_on(request.user, obj.site_id))

    # Saving ------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        obj.note_content_change(first_save=not change)
        form.save_photo(obj, user=request.user)
        obj.save(update_fields=form.edited_fields() if change else None)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        placements.sync_origin(article, previous_site_id=form.initial.get("site"))
        revisions.record(article, user=request.user)
        autosave.discard(request.user, article)
        if not change:
            autosave.discard(request.user, None)  # the new story's form is saved now
        presence.mark_closed(article.pk, request.user)
        # An edit to a live story, at once; one that moves it between lists purges them too.
        listed_elsewhere = {"site", "section", "tags"} & set(form.changed_data)
        purge_when_public(article, article.is_published, content_only=not listed_elsewhere)

    def delete_model(self, request, obj):
        live, sites = obj.is_published, story_site_ids(obj)
        super().delete_model(request, obj)
        purge_when_public(obj, live, site_ids=sites)

    def delete_queryset(self, request, queryset):
        live = [article for article in queryset if article.is_published]
        sites = set().union(*(story_site_ids(article) for article in live))
        super().delete_queryset(request, queryset)
        if live:
            purge_on_commit(sites)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if article is not None:
            extra_context.update(self._workflow_context(request, article))
            extra_context.update(self._notes_context(article))
            if self.has_change_permission(request, article):
                extra_context.update(self._autosave_context(request, article))
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self._autosave_context(request, None)}
        return super().add_view(request, form_url, extra_context)

    def _autosave_context(self, request, article):
        """Where the form keeps its autosave, and the one to offer back, with its diff."""
        kept = autosave.recoverable(request.user, article) if request.method == "GET" else None
        url = (
            reverse("admin:articles_article_autosave", args=[article.pk])
            if article
            else reverse("admin:articles_article_autosave_new")
        )
        return {
            "autosave_url": url,
            "autosave_seconds": autosave.AUTOSAVE_SECONDS,
            "autosave": kept,
            "autosave_changes": autosave.changes(kept, article) if kept else [],
        }

    def _notes_context(self, article):
        """The story's notes, threaded, for its timeline beside the workflow steps."""
        threads = list(
            Note.objects.filter(article=article, parent=None)
            .select_related("author", "resolved_by")
            .prefetch_related(
                models.Prefetch("replies", queryset=Note.objects.select_related("author"))
            )
        )
        paragraphs = article.paragraphs
        for note in threads:
            note.paragraph_text = (
                paragraphs[note.paragraph - 1]
                if note.paragraph and note.paragraph <= len(paragraphs)
                else ""
            )
        steps = [("step", step.at, step) for step in self._history(article)]
        return {
            "timeline": sorted(
                steps + [("note", note.created_at, note) for note in threads],
                key=lambda entry: entry[1],
            ),
            "paragraph_count": len(paragraphs),
        }

    @staticmethod
    def _history(article):
        return article.state_changes.select_related("actor", "site")

    def _workflow_context(self, request, article):
        zone = article.zone
        return {
            "workflow_actions": workflow.allowed_actions(request.user, article),
            "schedule_action": workflow.Action.SCHEDULE,
            "request_changes_action": workflow.Action.REQUEST_CHANGES,
            "schedule_default": (article.published_at or timezone.now())
            .astimezone(zone)
            .strftime("%Y-%m-%dT%H:%M"),
            "history": self._history(article),
            "embargo_line": (
                text.format_date_line(article.embargo_until.astimezone(zone), article.time_zone)
                if article.embargo_until
                else ""
            ),
            **self._placement_context(request, article),
            "also_editing": presence.mark_open(article.pk, request.user),
            "presence_heartbeat_seconds": presence.HEARTBEAT_SECONDS,
            "article_obj": article,
        }

    def _placement_context(self, request, article):
        """The story's sites, and the sites this user may place it on."""
        shown = Placement.objects.filter(article=article).select_related("site", "section")
        targets = [
            site
            for site in user_sites(request.user).exclude(pk=article.site_id)
            if workflow.placement_refusal(request.user, article, site) is None
        ] if article.status != Article.Status.UNPUBLISHED else []  # fmt: skip
        return {
            "story_placements": [
                {
                    "placement": placement,
                    "may_withdraw": not placement.is_origin
                    and placement.withdrawn_at is None
                    and workflow.placement_refusal(request.user, article, placement.site) is None,
                }
                for placement in shown
            ],
            "placement_sites": [(site, list(site.sections.all())) for site in targets],
            "placement_default": timezone.localtime(timezone=article.zone).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        }

    # Extra pages -------------------------------------------------------------

    def get_urls(self):
        def view(view_class):
            return self.admin_site.admin_view(view_class.as_view(model_admin=self))

        return [
            path(
                "tag-suggestions/",
                view(TagSuggestionsView),
                name="articles_article_tag_suggestions",
            ),
            path("deleted/", view(DeletedStoriesView), name="articles_article_deleted"),
            path("<int:pk>/workflow/", view(WorkflowView), name="articles_article_workflow"),
            path("<int:pk>/placements/", view(PlacementView), name="articles_article_placements"),
            path("<int:pk>/presence/", view(PresenceView), name="articles_article_presence"),
            path("autosave/", view(AutosaveView), name="articles_article_autosave_new"),
            path("<int:pk>/autosave/", view(AutosaveView), name="articles_article_autosave"),
            path("<int:pk>/notes/", view(NotesView), name="articles_article_notes"),
            path(
                "<int:pk>/notes/<int:note_id>/resolve/",
                view(ResolveNoteView),
                name="articles_article_note_resolve",
            ),
            path("<int:pk>/preview/", view(PreviewView), name="articles_article_preview"),
            path("<int:pk>/on-site/", view(OnSiteView), name="articles_article_on_site"),
            path("<int:pk>/revisions/", view(RevisionsView), name="articles_article_revisions"),
            path(
                "<int:pk>/revisions/<int:number>/preview/",
                view(PreviewView),
                name="articles_article_revision_preview",
            ),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                view(RestoreRevisionView),
                name="articles_article_revision_restore",
            ),
            *super().get_urls(),
        ]
