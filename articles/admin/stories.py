"""The editors' desk: stories with their workflow, revisions and preview; reference data."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from .. import text
from ..delivery.purge import purge_on_commit, purge_when_public, story_site_ids
from ..editorial import autosave, placements, planning, presence, revisions, workflow
from ..editorial import notes as desk
from ..editorial.tags import merge_tags
from ..media.images import PhotoUploadField
from ..media.renditions import make_photo_renditions
from ..models import (
    ZONES,
    Article,
    ArticleSource,
    Assignment,
    Byline,
    DailyViews,
    DeskPreference,
    Editor,
    EditorPick,
    LiveUpdate,
    Note,
    Notification,
    Partner,
    Photo,
    Placement,
    RelatedLink,
    Revision,
    Section,
    Site,
    SiteAlias,
    Source,
    StateChange,
    Topic,
    TopicStory,
)
from ..network import (
    forget_sites,
    may_work_on,
    site_of,
    upload_sites,
    user_photos,
    user_site_ids,
    user_sites,
    works_on_every_site,
)
from ..queue import enqueue_on_commit
from ..readers.navigation import kanal_changed
from ..readers.views.story import ArticlePreviewView
from . import accounts

# Links typed without a scheme become https:// (Django 6.0's default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


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
            kwargs["queryset"] = desk.visible_stories(request.user) | Article.objects.published()
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


class ArticleAdminForm(forms.ModelForm):
    """The story form: its photo's caption and credit (the story's own), an upload for a
    new photo, and a guard against lost edits.

    It writes only its own fields (`edited_fields`): the status and the times are the
    workflow's, which bumps the version, so a form opened before a workflow step is
    refused like one opened before another save.
    """

    is_live = forms.BooleanField(
        label=_("Laporan langsung"),
        required=False,
        help_text=Article._meta.get_field("is_live").help_text,
    )

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    photo_image = PhotoUploadField(label=_("Unggah foto"), required=False)
    photo_caption = forms.CharField(
        label=_("Keterangan foto"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo_credit = forms.CharField(label=_("Kredit foto"), required=False, max_length=200)

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "dateline", "body", "end_mark", "correction",
            "site", "section", "editor", "tags", "photo", "photo_caption", "photo_credit",
            "time_zone", "is_live", "embargo_until", "embargo_partners",
        ]  # fmt: skip
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField"}),
            "embargo_partners": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "tags": _("Pisahkan dengan koma; tag yang sudah ada ditawarkan saat mengetik.")
        }

    class Media:
        js = ["js/tag-suggestions.js", "js/presence.js", "js/autosave.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        if "tags" in self.fields:  # absent when the story is shown read-only
            self.fields["tags"].widget.attrs["data-suggest-url"] = reverse(
                "admin:articles_article_tag_suggestions"
            )
        if "embargo_until" in self.fields and self.instance.embargo_until:
            # Shown, and read back (`clean_embargo_until`), on the story's own clock.
            zone = ZONES[self.instance.time_zone]
            self.initial["embargo_until"] = self.instance.embargo_until.astimezone(zone).replace(
                tzinfo=None
            )
        self.other_changes = []

    def clean_embargo_until(self):
        """On the story's clock; never added or changed once the story is published or
        scheduled (its readers, or its schedule, would already have it)."""
        value = self.cleaned_data.get("embargo_until")
        if value is not None:
            # `time_zone` comes before it in the form, so it is cleaned already.
            zone = ZONES[self.cleaned_data.get("time_zone") or self.instance.time_zone]
            value = timezone.make_aware(timezone.localtime(value).replace(tzinfo=None), zone)
        story = self.instance
        if story.pk and value != story.embargo_until and embargo_is_fixed(story):
            raise ValidationError(
                _(
                    "Embargo tidak dapat ditambah atau diubah pada berita yang sudah terbit "
                    "atau dijadwalkan: pembacanya, atau jadwalnya, sudah ada."
                ),
                code="embargo_after_publish",
            )
        return value

    def clean_body(self):
        """Browsers send CRLF from a textarea; paragraphs are kept with plain newlines."""
        return self.cleaned_data["body"].replace("\r\n", "\n").strip()

    def clean(self):
        cleaned = super().clean()
        site, section = cleaned.get("site", self.instance.site), cleaned.get("section")
        if site and section and not site.sections.filter(pk=section.pk).exists():
            self.add_error(
                "section",
                ValidationError(
                    _("Kanal %(section)s tidak ada di %(site)s; pilih kanal situs itu."),
                    code="section_not_on_site",
                    params={"section": section, "site": site},
                ),
            )
        if cleaned.get("photo_image") and not (cleaned.get("photo_caption") or "").strip():
            self.add_error("photo_caption", _("Tulis keterangan untuk foto ini."))
        if self.instance.pk:
            self._check_version(cleaned.get("loaded_version"))
        return cleaned

    def _check_version(self, loaded_version):
        """Refuse to overwrite a save or a workflow step made since this form was opened.

        The row stays locked until the admin's transaction ends, so the check and
        the save cannot be split by another save or step. The story the form saves
        takes the workflow's fields as locked (the change view read it before the lock).
        """
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        if loaded_version is None or loaded_version == current.version:
            for field in WORKFLOW_FIELDS:
                setattr(self.instance, field, getattr(current, field))
            return
        self.other_changes, who = self._changes_since(current, loaded_version)
        # The next save is a deliberate one, made after seeing the other changes.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = current.version
        raise ValidationError(
            _(
                "Berita ini sudah diubah oleh %(who)s pada %(when)s setelah Anda membukanya. "
                "Isian Anda belum disimpan dan masih ada di bawah. Lihat perubahan mereka, "
                "sesuaikan, lalu simpan sekali lagi untuk menimpanya."
            )
            % {
                "who": who.get_username() if who else _("orang lain"),
                "when": timezone.localtime(current.updated_at).strftime("%d-%m-%Y %H:%M"),
            },
            code="conflict",
        )

    @staticmethod
    def _changes_since(current, loaded_version):
        """What was saved or done to the story since the form's version, and by whom.

        A workflow step bumps the version without a revision, so the form's content is
        the revision at or before its version."""
        history = Revision.objects.filter(article_key=current.pk).select_related("author")
        loaded = history.filter(number__lte=loaded_version).order_by("-number").first()
        latest = history.order_by("-number").first()
        changes = revisions.compare(loaded.content, latest.content) if loaded and latest else []
        step = (
            StateChange.objects.filter(article_id=current.pk, at__gt=loaded.created_at)
            .select_related("actor")
            .order_by("at", "pk")
            .last()
            if loaded
            else None
        )
        if step is not None and step.from_status != current.status:
            changes.append(
                revisions.FieldChange(
                    "status",
                    str(_("Status")),
                    step.get_from_status_display(),
                    str(current.status_label),
                )
            )
        if step is not None and (latest is None or step.at > latest.created_at):
            return changes, step.actor
        return changes, latest.author if latest else None

    def edited_fields(self):
        """The story's columns this form writes: its own fields as shown (read-only ones
        are not in the form), the photo and the bookkeeping; never the workflow's."""
        shown = {field.name for field in Article._meta.concrete_fields if field.name in self.fields}
        kept = {"photo", "photo_caption", "photo_credit", "version", "content_updated_at"}
        return (shown | kept | {"updated_at"}) - set(WORKFLOW_FIELDS)

    def save_photo(self, article, *, user):
        """A photo uploaded here (or a caption typed for a photo to come) is a new photo,
        of the uploader's sites and the story's: a photo other stories may use is never
        changed from a story's form. A photo chosen here lends its caption and credit
        to a story that has none yet."""
        image = self.cleaned_data.get("photo_image")
        if image or (article.photo is None and article.photo_caption):
            article.photo = Photo.objects.create_on(
                {*upload_sites(user), article.site},
                image=image or "",
                caption=article.photo_caption or "",
                credit=article.photo_credit or "",
            )
            if image:
                make_renditions_soon(article.photo)
        elif "photo" in self.changed_data:
            article.take_photo_defaults()


# Written by `articles.editorial.workflow` only: the story form never writes them back.
WORKFLOW_FIELDS = ("status", "published_at", "first_published_at")


def embargo_is_fixed(article):
    """Published, scheduled, or live once: the embargo can no longer change."""
    return article.status == Article.Status.PUBLISHED or (
        article.first_published_at is not None and article.first_published_at <= timezone.now()
    )


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
        notes = list(
            Note.objects.filter(article=article, parent=None)
            .select_related("author", "resolved_by")
            .prefetch_related(
                models.Prefetch("replies", queryset=Note.objects.select_related("author"))
            )
        )
        paragraphs = article.paragraphs
        for note in notes:
            note.paragraph_text = (
                paragraphs[note.paragraph - 1]
                if note.paragraph and note.paragraph <= len(paragraphs)
                else ""
            )
        steps = [("step", step.at, step) for step in self._history(article)]
        return {
            "timeline": sorted(
                steps + [("note", note.created_at, note) for note in notes],
                key=lambda entry: entry[1],
            ),
            "paragraph_count": len(paragraphs),
        }

    @staticmethod
    def _history(article):
        return article.state_changes.select_related("actor", "site")

    def _workflow_context(self, request, article):
        zone = ZONES[article.time_zone]
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
            "placement_default": timezone.localtime(timezone=ZONES[article.time_zone]).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        }

    # Extra pages -------------------------------------------------------------

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path(
                "tag-suggestions/",
                view(self.tag_suggestions_view),
                name="articles_article_tag_suggestions",
            ),
            path("deleted/", view(self.deleted_view), name="articles_article_deleted"),
            path("<int:pk>/workflow/", view(self.workflow_view), name="articles_article_workflow"),
            path(
                "<int:pk>/placements/",
                view(self.placement_view),
                name="articles_article_placements",
            ),
            path("<int:pk>/presence/", view(self.presence_view), name="articles_article_presence"),
            path("autosave/", view(self.autosave_view), name="articles_article_autosave_new"),
            path("<int:pk>/autosave/", view(self.autosave_view), name="articles_article_autosave"),
            path("<int:pk>/notes/", view(self.notes_view), name="articles_article_notes"),
            path(
                "<int:pk>/notes/<int:note_id>/resolve/",
                view(self.resolve_note_view),
                name="articles_article_note_resolve",
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="articles_article_preview"),
            path("<int:pk>/on-site/", view(self.on_site_view), name="articles_article_on_site"),
            path(
                "<int:pk>/revisions/", view(self.revisions_view), name="articles_article_revisions"
            ),
            path(
                "<int:pk>/revisions/<int:number>/preview/",
                view(self.preview_view),
                name="articles_article_revision_preview",
            ),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_revision_restore",
            ),
            *super().get_urls(),
        ]

    def _article_for(self, request, pk, *, change=False):
        article = get_object_or_404(Article, pk=pk)
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, article):
            raise PermissionDenied
        return article

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def tag_suggestions_view(self, request):
        """Existing tags starting with `q`, most used first, for the story form."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:100]
        tags = (
            Tag.objects.filter(name__istartswith=query)
            .annotate(uses=Count("taggit_taggeditem_items"))
            .order_by("-uses", "name")
            .values_list("name", flat=True)[:10]
            if query
            else []
        )
        return JsonResponse({"tags": list(tags)})

    def deleted_view(self, request):
        """Deleted stories, from their kept revisions; admins bring one back as a draft."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                key = int(request.POST.get("article_key", ""))
            except ValueError:
                raise Http404(_("Nomor berita tidak valid.")) from None
            restored = revisions.restore_deleted(key, user=request.user)
            if restored is None:
                messages.error(request, _("Berita ini tidak dapat dipulihkan."))
                return redirect(reverse("admin:articles_article_deleted"))
            messages.success(request, _("Berita dipulihkan sebagai draf."))
            return redirect(self._change_url(restored.article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Berita terhapus"),
            "deleted": revisions.deleted_stories(request.user),
        }
        return TemplateResponse(request, "admin/articles/article/deleted.html", context)

    def presence_view(self, request, pk):
        """The open page's heartbeat (or goodbye); answers with who else has it open."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        if request.POST.get("closing"):
            presence.mark_closed(article.pk, request.user)
            return JsonResponse({"others": []})
        return JsonResponse({"others": presence.mark_open(article.pk, request.user)})

    def autosave_view(self, request, pk=None):
        """The open form's autosave, posted every few seconds while it changes.

        Only someone who may edit the story (or add one, for a new story) keeps one, and
        only their own: nothing here touches the story, its version or its revisions."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            article = None
        else:
            article = self._article_for(request, pk, change=True)
        try:
            base_version = int(request.POST.get("loaded_version", ""))
        except ValueError:
            base_version = None
        try:
            kept = autosave.keep(
                request.user,
                article,
                request.POST,
                fields=self._story_form_fields(request, article),
                base_version=base_version,
            )
        except autosave.TooLarge as refused:
            return JsonResponse({"error": str(refused)}, status=413)
        return JsonResponse({"saved_at": timezone.localtime(kept.saved_at).strftime("%H:%M:%S")})

    def _story_form_fields(self, request, article):
        """The names the story form of `article` (None: a new one) has for this user."""
        form_class = self.get_form(request, article, change=article is not None)
        formsets = [
            formset for formset, _inline in self.get_formsets_with_inlines(request, article)
        ]
        return autosave.StoryFormFields.of(form_class, formsets)

    def notes_view(self, request, pk):
        """The story's notes as JSON (GET), or a new note or reply (POST): for those who
        see the story only."""
        article = self._article_for(request, pk)
        if request.method == "GET":
            notes = Note.objects.filter(article=article).select_related("author")
            return JsonResponse(
                {
                    "notes": [
                        {
                            "id": note.pk,
                            "parent": note.parent_id,
                            "author": note.author.get_username() if note.author else None,
                            "body": note.body,
                            "paragraph": note.paragraph,
                            "resolved": note.is_resolved,
                            "at": note.created_at.isoformat(),
                        }
                        for note in notes
                    ]
                }
            )
        if request.method != "POST":
            return HttpResponseNotAllowed(["GET", "POST"])
        if not request.user.has_perm("articles.add_note"):
            raise PermissionDenied
        try:
            parent_id = int(request.POST["parent"]) if request.POST.get("parent") else None
        except ValueError:
            raise Http404(_("Catatan yang dibalas tidak dikenal.")) from None
        parent = get_object_or_404(Note, pk=parent_id, article=article) if parent_id else None
        try:
            paragraph = int(request.POST["paragraph"]) if request.POST.get("paragraph") else None
            desk.add_note(
                article,
                user=request.user,
                body=request.POST.get("body", ""),
                parent=parent,
                paragraph=paragraph,
            )
        except ValueError:
            messages.error(request, _("Nomor paragraf harus berupa angka."))
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, _("Catatan disimpan."))
        return redirect(self._change_url(article) + "#timeline-heading")

    def resolve_note_view(self, request, pk, note_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        if not request.user.has_perm("articles.add_note"):
            raise PermissionDenied
        note = get_object_or_404(Note, pk=note_id, article=article, parent=None)
        resolved = request.POST.get("resolved") == "1"
        desk.set_resolved(note, user=request.user, resolved=resolved)
        messages.success(
            request, _("Catatan diselesaikan.") if resolved else _("Catatan dibuka lagi.")
        )
        return redirect(self._change_url(article) + "#timeline-heading")

    def workflow_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        action = request.POST.get("action", "")
        if action not in workflow.Action.values:
            messages.error(request, _("Tindakan tidak dikenal."))
            return redirect(self._change_url(article))
        try:
            publish_at = self._schedule_time(request.POST.get("publish_at", ""), article)
            article = workflow.perform(
                article,
                action,
                user=request.user,
                note=request.POST.get("note", ""),
                publish_at=publish_at,
            )
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
            return redirect(self._change_url(article))
        messages.success(
            request,
            _("Berita '%(headline)s' kini berstatus %(status)s.")
            % {"headline": article.headline, "status": article.status_label},
        )
        if self.has_change_permission(request, article):
            return redirect(self._change_url(article))
        return redirect(reverse("admin:articles_article_changelist"))

    def placement_view(self, request, pk):
        """Place the story on another site of the network, or withdraw it from one."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        try:
            site = self._posted(Site, request.POST.get("site"))
            if request.POST.get("action") == workflow.PlacementAction.WITHDRAW:
                placement = get_object_or_404(Placement, article=article, site=site)
                workflow.withdraw_placement(
                    placement, user=request.user, note=request.POST.get("note", "")
                )
                done = _("Berita ditarik dari %(site)s; situs lain tidak berubah.")
            else:
                section_id = request.POST.get("section")
                placement = workflow.place(
                    article,
                    site,
                    user=request.user,
                    section=self._posted(Section, section_id) if section_id else None,
                    publish_at=self._schedule_time(request.POST.get("publish_at", ""), article),
                    headline=request.POST.get("headline", ""),
                    note=request.POST.get("note", ""),
                )
                done = (
                    _("Berita dijadwalkan tayang di %(site)s.")
                    if placement.is_scheduled
                    else _("Berita kini tayang di %(site)s.")
                )
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, done % {"site": site})
        return redirect(self._change_url(article))

    @staticmethod
    def _posted(model, value):
        """The row a posted id names; a refusal the editor reads when there is none."""
        try:
            return model.objects.get(pk=int(value))
        except (TypeError, ValueError, model.DoesNotExist):
            raise workflow.TransitionRefused(
                _("Pilihan %(what)s tidak dikenal.") % {"what": model._meta.verbose_name}
            ) from None

    @staticmethod
    def _schedule_time(value, article):
        """A `datetime-local` value, read on the story's own clock (WIB, WITA or WIT)."""
        if not value:
            return None
        try:
            local = datetime.fromisoformat(value)
        except ValueError:
            raise workflow.TransitionRefused(_("Waktu jadwal tidak dapat dibaca.")) from None
        return timezone.make_aware(local.replace(tzinfo=None), ZONES[article.time_zone])

    def on_site_view(self, request, pk):
        """To the story at its origin site, on this install's scheme and port."""
        article = self._article_for(request, pk)
        return redirect(article.canonical_url(request))

    def preview_view(self, request, pk, number=None):
        article = self._article_for(request, pk)
        revision = None
        if number is not None:
            revision = get_object_or_404(Revision, article_key=article.pk, number=number)
        return ArticlePreviewView.as_view(revision=revision)(request, pk=article.pk)

    def revisions_view(self, request, pk):
        article = self._article_for(request, pk)
        history = list(Revision.objects.filter(article_key=article.pk).select_related("author"))
        by_number = {revision.number: revision for revision in history}
        old, new = self._chosen_pair(request, by_number, history)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Revisi: %(headline)s") % {"headline": article.headline},
            "article": article,
            "revisions": history,
            "old": old,
            "new": new,
            "changes": revisions.compare(old.content, new.content) if old and new else [],
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    @staticmethod
    def _chosen_pair(request, by_number, history):
        """The two revisions to compare: `?old=&new=`, by default the latest two."""
        try:
            old = by_number.get(int(request.GET["old"])) if "old" in request.GET else None
            new = by_number.get(int(request.GET["new"])) if "new" in request.GET else None
        except ValueError:
            raise Http404(_("Nomor revisi tidak valid.")) from None
        if old is None and new is None and len(history) >= 2:
            new, old = history[0], history[1]
        return old, new

    def restore_view(self, request, pk, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk, change=True)
        revision = get_object_or_404(Revision, article_key=article.pk, number=number)
        restored = revisions.restore(article, revision, user=request.user)
        messages.success(
            request,
            _("Revisi %(old)s dipulihkan sebagai revisi baru %(new)s.")
            % {"old": revision.number, "new": restored.number},
        )
        return redirect(self._change_url(article))


class ShownToReadersMixin:
    """Names and slugs readers see on story pages and lists (kanal, tag, editor, source):
    a change or a deletion in the admin reaches every page at once, not after a cache period.

    At the edge, only the pages that show the row (`edge_tag`: `tag-12` is on the tag's
    page and on its stories' pages); without one, every page of the network.
    """

    edge_tag = None

    def shown_to_readers_changed(self, rows):
        tags = [f"{self.edge_tag}-{row.pk}" for row in rows] if self.edge_tag else None
        purge_on_commit(edge_tags=tags)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.shown_to_readers_changed([obj])

    def delete_model(self, request, obj):
        pk = obj.pk  # deleting clears it
        super().delete_model(request, obj)
        obj.pk = pk
        self.shown_to_readers_changed([obj])

    def delete_queryset(self, request, queryset):
        rows = list(queryset)
        super().delete_queryset(request, queryset)
        self.shown_to_readers_changed(rows)


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


def make_renditions_soon(photo):
    """A new photo's renditions, made in the background once it is saved, so that no
    reader (and no app server but one) makes them."""
    enqueue_on_commit(make_photo_renditions, photo.pk)


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
            kwargs["queryset"] = desk.visible_stories(request.user)
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
class EditorAdmin(ShownToReadersMixin, StoryCountMixin, admin.ModelAdmin):
    edge_tag = "editor"
    list_display = ["name", "user", "story_count"]
    list_select_related = ["user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Source)
class SourceAdmin(ShownToReadersMixin, StoryCountMixin, admin.ModelAdmin):
    """A source still cited by a story cannot be deleted (the database protects it)."""

    edge_tag = "source"
    story_relation = "articlesource"
    list_display = ["name", "url", "story_count"]
    search_fields = ["name"]
    formfield_overrides = HTTPS_URLS
    prepopulated_fields = {"slug": ["name"]}


class SectionAdminForm(forms.ModelForm):
    """A kanal with the sites whose navigation lists it (the other side of Site.sections)."""

    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.all(),
        required=False,
        label=_("Tampil di situs"),
        widget=admin.widgets.FilteredSelectMultiple(_("situs"), is_stacked=False),
    )

    class Meta:
        model = Section
        fields = ["name", "slug", "description", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].initial = (
            self.instance.sites.all() if self.instance.pk else [Site.objects.default()]
        )

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.sites.set(self.cleaned_data["sites"])


@admin.register(Section)
class SectionAdmin(ShownToReadersMixin, StoryCountMixin, admin.ModelAdmin):
    form = SectionAdminForm
    list_display = ["name", "position", "story_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def shown_to_readers_changed(self, rows):
        kanal_changed()  # the navigation's kanal list too, on every page


class MergeTagsForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        label=_("Gabungkan ke tag"),
        help_text=_("Semua berita dengan tag lain yang dipilih akan memakai tag ini."),
    )


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(ShownToReadersMixin, StoryCountMixin, TaggitTagAdmin):
    edge_tag = "tag"
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


class DeskPreferenceForm(forms.ModelForm):
    class Meta:
        model = DeskPreference
        fields = ["email_notifications"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """ "Notifikasi": each user's own list, newest first, with their e-mail choice.

    One page of our own rather than the changelist: a notification is read, opened and
    marked, never edited."""

    list_per_page = 50

    def get_queryset(self, request):
        return desk.notifications_of(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/open/",
                self.admin_site.admin_view(self.open_view),
                name="articles_notification_open",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        preference, _created = DeskPreference.objects.get_or_create(user=request.user)
        form = DeskPreferenceForm(instance=preference)
        if request.method == "POST":
            if request.POST.get("mark_all_read"):
                desk.mark_read(request.user)
                messages.success(request, _("Semua notifikasi ditandai sudah dibaca."))
                return redirect(reverse("admin:articles_notification_changelist"))
            form = DeskPreferenceForm(request.POST, instance=preference)
            if form.is_valid():
                form.save()
                messages.success(request, _("Pilihan e-mail disimpan."))
                return redirect(reverse("admin:articles_notification_changelist"))
        notifications = self.get_queryset(request).select_related("article", "actor")[
            : self.list_per_page
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Notifikasi"),
            "notifications": notifications,
            "preference_form": form,
            "has_email": bool(request.user.email),
        }
        return TemplateResponse(request, "admin/articles/notification/list.html", context)

    def open_view(self, request, pk):
        """Mark one notification read and go to its story."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        notification = get_object_or_404(self.get_queryset(request), pk=pk)
        desk.mark_read(request.user, [notification.pk])
        return redirect(reverse("admin:articles_article_change", args=[notification.article_id]))


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Partner outlets and the secret address of their embargo feed."""

    list_display = ["name", "is_active", "feed_address"]
    search_fields = ["name"]
    readonly_fields = ["feed_address"]

    @admin.display(description=_("alamat umpan embargo"))
    def feed_address(self, partner):
        return partner.get_feed_url() if partner.pk else "-"


# Accounts and roles: Django's own pages, keeping the rules of `articles.admin.accounts`.

admin.site.unregister(User)
admin.site.unregister(Group)


class ManagedRowsMixin:
    """Changes and deletes only the rows `may_manage()` allows, in the "delete selected"
    action too (which asks no question per row: one refused row refuses it all)."""

    def may_manage(self, user, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.may_manage(request.user, obj))

    def get_deleted_objects(self, objs, request):
        deleted, counts, refused, protected = super().get_deleted_objects(objs, request)
        if not all(self.may_manage(request.user, obj) for obj in objs):
            refused.add(self.opts.verbose_name)
        return deleted, counts, refused, protected


@admin.register(User)
class AccountAdmin(ManagedRowsMixin, DjangoUserAdmin):
    """Accounts: whoever is not a superuser gives only the roles and permissions they may
    give, edits or deletes only accounts with no more rights (`accounts.may_manage`),
    and never changes superuser status or their own rights. A refused value is not
    offered and, posted anyway, is not a valid choice or not a field of the form."""

    def may_manage(self, user, account):
        return accounts.may_manage(user, account)

    def get_readonly_fields(self, request, obj=None):
        locked = accounts.locked_fields(request.user, obj)
        return [*super().get_readonly_fields(request, obj), *locked]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = accounts.grantable_groups(request.user)
        elif db_field.name == "user_permissions":
            kwargs["queryset"] = accounts.grantable_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Group)
class RoleAdmin(ManagedRowsMixin, DjangoGroupAdmin):
    """Roles (groups): whoever is not a superuser changes or deletes only a role whose
    permissions they may give, and gives it no others."""

    def may_manage(self, user, group):
        permissions = group.permissions.select_related("content_type")
        names = {accounts.permission_name(permission) for permission in permissions}
        return accounts.may_grant(user, names)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = accounts.grantable_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AssignmentForm(forms.ModelForm):
    """An assignment, its due time shown and read on its site's clock (WIB, WITA, WIT)."""

    class Meta:
        model = Assignment
        fields = ["title", "notes", "reporter", "site", "section", "due_at", "status"]
        help_texts = {"due_at": _("Menurut zona waktu situsnya.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["due_at"] = self.instance.local_due_at.replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        due_at, site = cleaned.get("due_at"), cleaned.get("site")
        if due_at and site:
            local = timezone.localtime(due_at).replace(tzinfo=None)
            cleaned["due_at"] = timezone.make_aware(local, site.zone)
        return self._check_site(cleaned)

    def _check_site(self, cleaned):
        site, section = cleaned.get("site"), cleaned.get("section")
        reporter = cleaned.get("reporter")
        if site and section and not site.sections.filter(pk=section.pk).exists():
            self.add_error(
                "section",
                ValidationError(
                    _("Kanal %(section)s tidak ada di %(site)s; pilih kanal situs itu."),
                    code="section_not_on_site",
                    params={"section": section, "site": site},
                ),
            )
        if site and reporter and not may_work_on(reporter, site.pk):
            self.add_error(
                "reporter",
                ValidationError(
                    _("%(reporter)s bukan redaksi %(site)s; pilih redaksi situs itu."),
                    code="reporter_not_on_site",
                    params={"reporter": reporter.get_username(), "site": site},
                ),
            )
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Rencana liputan: the budget of pitches and assignments on the user's sites."""

    form = AssignmentForm
    list_display = ["title", "status", "reporter", "site", "section", "due_time", "draft_link"]
    list_filter = ["status", "site", "section"]
    list_select_related = ["reporter", "site", "section", "article"]
    search_fields = ["title", "notes"]
    autocomplete_fields = ["section"]
    date_hierarchy = "due_at"
    actions = ["make_drafts"]
    readonly_fields = ["draft_link"]

    def get_queryset(self, request):
        planned = super().get_queryset(request)
        if works_on_every_site(request.user):
            return planned
        return planned.filter(site_id__in=user_site_ids(request.user))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "site" in form.base_fields:
            form.base_fields["site"].queryset = user_sites(request.user)
        if "reporter" in form.base_fields:
            # The staff of the user's sites (a plain list: not everyone may search accounts).
            staff = get_user_model().objects.filter(is_active=True, is_staff=True)
            if not works_on_every_site(request.user):
                staff = staff.filter(newsroom_sites__in=user_site_ids(request.user)).distinct()
            form.base_fields["reporter"].queryset = staff.order_by("username")
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("tenggat"), ordering="due_at")
    def due_time(self, assignment):
        local = assignment.local_due_at
        return f"{local:%d-%m-%Y %H:%M} {assignment.site.time_zone}"

    @admin.display(description=_("draf"))
    def draft_link(self, assignment):
        if assignment.article_id is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[assignment.article_id]),
            assignment.article.headline,
        )

    @admin.action(description=_("Jadikan draf"), permissions=["view"])
    def make_drafts(self, request, queryset):
        made = 0
        for assignment in queryset:
            try:
                _article, created = planning.draft_from_assignment(assignment, user=request.user)
            except PermissionDenied as refused:
                messages.error(request, f"{assignment}: {refused}")
                continue
            made += created
        self.message_user(request, _("%(count)s draf berita dibuat.") % {"count": made})

    def get_urls(self):
        return [
            path(
                "calendar/",
                self.admin_site.admin_view(self.calendar_view),
                name="articles_assignment_calendar",
            ),
            path(
                "<int:pk>/draft/",
                self.admin_site.admin_view(self.draft_view),
                name="articles_assignment_draft",
            ),
            *super().get_urls(),
        ]

    def draft_view(self, request, pk):
        """The one-click "Jadikan draf" of an assignment's page: to the draft story."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        assignment = get_object_or_404(self.get_queryset(request), pk=pk)
        article, created = planning.draft_from_assignment(assignment, user=request.user)
        if created:
            messages.success(request, _("Draf berita dibuat dari rencana liputan ini."))
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    def calendar_view(self, request):
        """One day of the user's sites: what is scheduled and what is planned, by time."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            day = (
                datetime.strptime(request.GET["hari"], "%Y-%m-%d").date()
                if request.GET.get("hari")
                else timezone.localdate()
            )
        except ValueError:
            raise Http404(_("Tanggal tidak valid.")) from None
        items = planning.day_items(
            request.user,
            day,
            change_url=lambda pk: reverse("admin:articles_article_change", args=[pk]),
            assignment_url=lambda pk: reverse("admin:articles_assignment_change", args=[pk]),
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Kalender redaksi"),
            "day": day,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "items": items,
        }
        return TemplateResponse(request, "admin/articles/assignment/calendar.html", context)
