"""The story's extra pages in the admin: tag suggestions, deleted stories, workflow
steps, placements, presence, autosave, notes, preview, revisions.

Each is a class-based view that receives `model_admin` (the `ArticleAdmin` that wires
it, as Django's `AutocompleteJsonView` does) and asks it who may see or change the
story. The pages that change something answer POST only (`http_method_names`).
"""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from taggit.models import Tag

from ..editorial import autosave, notes, presence, revisions, workflow
from ..models import Article, Note, Placement, Revision, Section, Site
from ..readers.views.story import ArticlePreviewView


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


class StoryAdminView(View):
    """A page of `model_admin`'s; `story()` is the story it names, if the user may see
    it (or change it)."""

    model_admin = None

    def story(self, request, pk, *, change=False):
        article = get_object_or_404(Article, pk=pk)
        admin = self.model_admin
        allowed = admin.has_change_permission if change else admin.has_view_permission
        if not allowed(request, article):
            raise PermissionDenied
        return article

    def admin_page(self, request, template, context):
        """One of the story admin's own pages, in the admin's frame."""
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": self.model_admin.opts,
            **context,
        }
        return TemplateResponse(request, template, context)


class TagSuggestionsView(StoryAdminView):
    """Existing tags starting with `q`, most used first, for the story form."""

    def get(self, request):
        if not self.model_admin.has_view_or_change_permission(request):
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


class DeletedStoriesView(StoryAdminView):
    """Deleted stories, from their kept revisions; admins bring one back as a draft."""

    def dispatch(self, request, *args, **kwargs):
        if not self.model_admin.has_delete_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.admin_page(
            request,
            "admin/articles/article/deleted.html",
            {"title": _("Berita terhapus"), "deleted": revisions.deleted_stories(request.user)},
        )

    def post(self, request):
        try:
            key = int(request.POST.get("article_key", ""))
        except ValueError:
            raise Http404(_("Nomor berita tidak valid.")) from None
        restored = revisions.restore_deleted(key, user=request.user)
        if restored is None:
            messages.error(request, _("Berita ini tidak dapat dipulihkan."))
            return redirect(reverse("admin:articles_article_deleted"))
        messages.success(request, _("Berita dipulihkan sebagai draf."))
        return redirect(change_url(restored.article))


class PresenceView(StoryAdminView):
    """The open page's heartbeat (or goodbye); answers with who else has it open."""

    http_method_names = ["post"]

    def post(self, request, pk):
        article = self.story(request, pk)
        if request.POST.get("closing"):
            presence.mark_closed(article.pk, request.user)
            return JsonResponse({"others": []})
        return JsonResponse({"others": presence.mark_open(article.pk, request.user)})


class AutosaveView(StoryAdminView):
    """The open form's autosave, posted every few seconds while it changes.

    Only someone who may edit the story (or add one, for a new story) keeps one, and
    only their own: nothing here touches the story, its version or its revisions."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        if pk is None:
            if not self.model_admin.has_add_permission(request):
                raise PermissionDenied
            article = None
        else:
            article = self.story(request, pk, change=True)
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
        admin = self.model_admin
        form_class = admin.get_form(request, article, change=article is not None)
        formsets = [
            formset for formset, _inline in admin.get_formsets_with_inlines(request, article)
        ]
        return autosave.StoryFormFields.of(form_class, formsets)


class NotesView(StoryAdminView):
    """The story's notes as JSON (GET), or a new note or reply (POST): for those who
    see the story only."""

    http_method_names = ["get", "post"]

    def get(self, request, pk):
        article = self.story(request, pk)
        story_notes = Note.objects.filter(article=article).select_related("author")
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
                    for note in story_notes
                ]
            }
        )

    def post(self, request, pk):
        article = self.story(request, pk)
        if not request.user.has_perm("articles.add_note"):
            raise PermissionDenied
        try:
            parent_id = int(request.POST["parent"]) if request.POST.get("parent") else None
        except ValueError:
            raise Http404(_("Catatan yang dibalas tidak dikenal.")) from None
        parent = get_object_or_404(Note, pk=parent_id, article=article) if parent_id else None
        try:
            paragraph = int(request.POST["paragraph"]) if request.POST.get("paragraph") else None
            notes.add_note(
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
        return redirect(change_url(article) + "#timeline-heading")


class ResolveNoteView(StoryAdminView):
    http_method_names = ["post"]

    def post(self, request, pk, note_id):
        article = self.story(request, pk)
        if not request.user.has_perm("articles.add_note"):
            raise PermissionDenied
        note = get_object_or_404(Note, pk=note_id, article=article, parent=None)
        resolved = request.POST.get("resolved") == "1"
        notes.set_resolved(note, user=request.user, resolved=resolved)
        messages.success(
            request, _("Catatan diselesaikan.") if resolved else _("Catatan dibuka lagi.")
        )
        return redirect(change_url(article) + "#timeline-heading")


def posted(model, value):
    """The row a posted id names; a refusal the editor reads when there is none."""
    try:
        return model.objects.get(pk=int(value))
    except (TypeError, ValueError, model.DoesNotExist):
        raise workflow.TransitionRefused(
            _("Pilihan %(what)s tidak dikenal.") % {"what": model._meta.verbose_name}
        ) from None


def schedule_time(value, article):
    """A `datetime-local` value, read on the story's own clock (WIB, WITA or WIT)."""
    if not value:
        return None
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        raise workflow.TransitionRefused(_("Waktu jadwal tidak dapat dibaca.")) from None
    return timezone.make_aware(local.replace(tzinfo=None), article.zone)


class WorkflowView(StoryAdminView):
    """One workflow step, through `workflow.perform()`."""

    http_method_names = ["post"]

    def post(self, request, pk):
        article = self.story(request, pk)
        action = request.POST.get("action", "")
        if action not in workflow.Action.values:
            messages.error(request, _("Tindakan tidak dikenal."))
            return redirect(change_url(article))
        try:
            publish_at = schedule_time(request.POST.get("publish_at", ""), article)
            article = workflow.perform(
                article,
                action,
                user=request.user,
                note=request.POST.get("note", ""),
                publish_at=publish_at,
            )
        except workflow.TransitionRefused as refused:
            messages.error(request, refused.message)
            return redirect(change_url(article))
        messages.success(
            request,
            _("Berita '%(headline)s' kini berstatus %(status)s.")
            % {"headline": article.headline, "status": article.status_label},
        )
        if self.model_admin.has_change_permission(request, article):
            return redirect(change_url(article))
        return redirect(reverse("admin:articles_article_changelist"))


class PlacementView(StoryAdminView):
    """Place the story on another site of the network, or withdraw it from one."""

    http_method_names = ["post"]

    def post(self, request, pk):
        article = self.story(request, pk)
        try:
            site = posted(Site, request.POST.get("site"))
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
                    section=posted(Section, section_id) if section_id else None,
                    publish_at=schedule_time(request.POST.get("publish_at", ""), article),
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
        return redirect(change_url(article))


class OnSiteView(StoryAdminView):
    """To the story at its origin site, on this install's scheme and port."""

    def get(self, request, pk):
        return redirect(self.story(request, pk).canonical_url(request))


class PreviewView(StoryAdminView):
    """The story (or one of its revisions) as readers would see it."""

    def get(self, request, pk, number=None):
        article = self.story(request, pk)
        revision = None
        if number is not None:
            revision = get_object_or_404(Revision, article_key=article.pk, number=number)
        return ArticlePreviewView.as_view(revision=revision)(request, pk=article.pk)


class RevisionsView(StoryAdminView):
    """The story's revisions, two of them compared."""

    def get(self, request, pk):
        article = self.story(request, pk)
        history = list(Revision.objects.filter(article_key=article.pk).select_related("author"))
        by_number = {revision.number: revision for revision in history}
        old, new = self._chosen_pair(request, by_number, history)
        return self.admin_page(
            request,
            "admin/articles/article/revisions.html",
            {
                "title": _("Revisi: %(headline)s") % {"headline": article.headline},
                "article": article,
                "revisions": history,
                "old": old,
                "new": new,
                "changes": revisions.compare(old.content, new.content) if old and new else [],
                "can_restore": self.model_admin.has_change_permission(request, article),
            },
        )

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


class RestoreRevisionView(StoryAdminView):
    http_method_names = ["post"]

    def post(self, request, pk, number):
        article = self.story(request, pk, change=True)
        revision = get_object_or_404(Revision, article_key=article.pk, number=number)
        restored = revisions.restore(article, revision, user=request.user)
        messages.success(
            request,
            _("Revisi %(old)s dipulihkan sebagai revisi baru %(new)s.")
            % {"old": revision.number, "new": restored.number},
        )
        return redirect(change_url(article))
