"""Every form of the admin, as `django.contrib.auth.forms` keeps Django's: the story form
with its guard against lost edits, and the kanal, tag-merging, e-mail preference and
assignment forms. Imports only the wings below the admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from ..editorial import revisions
from ..editorial.photos import refresh_soon
from ..media.images import PhotoUploadField
from ..models import (
    ZONES,
    Article,
    Assignment,
    DeskPreference,
    Photo,
    Revision,
    Section,
    Site,
    StateChange,
)
from ..network import may_work_on, upload_sites

# Links typed without a scheme become https:// (Django 6.0's default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


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
        js = ["js/tag-suggestions.js", "js/presence.js", "js/autosave.js", "js/photo-defaults.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        if "tags" in self.fields:  # absent when the story is shown read-only
            self.fields["tags"].widget.attrs["data-suggest-url"] = reverse(
                "admin:articles_article_tag_suggestions"
            )
        if "embargo_until" in self.fields and self.instance.embargo_until:
            # Shown, and read back (`clean_embargo_until`), on the story's own clock.
            zone = self.instance.zone
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
        if site and (not_here := site.section_refusal(section)):
            self.add_error("section", not_here)
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


def make_renditions_soon(photo):
    """A new photo's master and renditions, made in the background once it is saved
    (`editorial.photos.refresh_photo`, which also purges its pages once it has a master)."""
    refresh_soon(photo)


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


class MergeTagsForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        label=_("Gabungkan ke tag"),
        help_text=_("Semua berita dengan tag lain yang dipilih akan memakai tag ini."),
    )


class DeskPreferenceForm(forms.ModelForm):
    class Meta:
        model = DeskPreference
        fields = ["email_notifications"]


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
        if site and (not_here := site.section_refusal(section)):
            self.add_error("section", not_here)
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


class PhotoAdminForm(forms.ModelForm):
    """A photo: its focal point is set by clicking the preview (static/js/focal-point.js
    fills these hidden fields); a form without them keeps the photo's own."""

    focal_x = forms.FloatField(min_value=0, max_value=1, required=False, widget=forms.HiddenInput)
    focal_y = forms.FloatField(min_value=0, max_value=1, required=False, widget=forms.HiddenInput)

    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "focal_x", "focal_y", "sites"]

    class Media:
        js = ["js/focal-point.js"]

    def clean_focal_x(self):
        value = self.cleaned_data.get("focal_x")
        return self.instance.focal_x if value is None else value

    def clean_focal_y(self):
        value = self.cleaned_data.get("focal_y")
        return self.instance.focal_y if value is None else value
