"""How editors work together, in the desk: each user's notifications and e-mail
preference, and the planning of coverage (assignments, their drafts, the day's calendar)."""

from datetime import datetime, timedelta

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..editorial import notes, planning
from ..models import Assignment, DeskPreference, Notification
from ..network import user_site_ids, user_sites, works_on_every_site
from .forms import AssignmentForm, DeskPreferenceForm


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """ "Notifikasi": each user's own list, newest first, with their e-mail choice.

    One page of our own rather than the changelist: a notification is read, opened and
    marked, never edited."""

    list_per_page = 50

    def get_queryset(self, request):
        return notes.notifications_of(request.user)

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
                self.admin_site.admin_view(require_POST(self.open_view)),
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
                notes.mark_read(request.user)
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
        notification = get_object_or_404(self.get_queryset(request), pk=pk)
        notes.mark_read(request.user, [notification.pk])
        return redirect(reverse("admin:articles_article_change", args=[notification.article_id]))


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
                self.admin_site.admin_view(require_POST(self.draft_view)),
                name="articles_assignment_draft",
            ),
            *super().get_urls(),
        ]

    def draft_view(self, request, pk):
        """The one-click "Jadikan draf" of an assignment's page: to the draft story."""
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
