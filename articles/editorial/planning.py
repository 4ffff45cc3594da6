"""The story budget ("Rencana liputan"): assignments becoming drafts, and the calendar.

The calendar shows what is planned for a day beside what is scheduled, each on its
own clock; it plans, it does not schedule: going live is still the workflow's.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ZONES, Article, Assignment, Placement
from ..network import may_work_on, user_site_ids, works_on_every_site
from . import placements, revisions


def draft_from_assignment(assignment, *, user):
    """The assignment's draft story, made now if it has none: its reporter as author,
    its site, kanal and title. Returns (article, created)."""
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update().select_related("site").get(pk=assignment.pk)
        )
        if not (may_work_on(user, assignment.site_id) and user.has_perm("articles.add_article")):
            raise PermissionDenied(_("Anda bukan redaksi situs rencana liputan ini."))
        if assignment.article_id is not None:
            return assignment.article, False
        site = assignment.site
        article = Article(
            headline=assignment.title,
            dateline=site.dateline,
            body="",
            site=site,
            section=assignment.section,
            author=assignment.reporter or user,
            time_zone=site.time_zone,
            status=Article.Status.DRAFT,
        )
        article.full_clean(exclude=["slug", "body"])
        article.save()
        placements.sync_origin(article)
        revisions.record(article, user=user, note=_("Dibuat dari rencana liputan"))
        assignment.article = article
        if assignment.status == Assignment.Status.PITCH:
            assignment.status = Assignment.Status.ASSIGNED
        assignment.save(update_fields=["article", "status"])
    return article, True


class CalendarItem:
    """One line of a calendar day: a scheduled story, placement or planned assignment."""

    def __init__(self, *, kind, at, zone_name, title, site, url, detail=""):
        self.kind, self.title, self.site, self.url, self.detail = kind, title, site, url, detail
        self.zone_name = zone_name
        self.local = at.astimezone(ZONES[zone_name])

    @property
    def time_label(self):
        return f"{self.local:%H:%M} {self.zone_name}"


def day_items(user, day, *, change_url, assignment_url):
    """What is scheduled and planned on `day` on the user's sites, by time.

    An item belongs to the day on its own clock (a story at 23:30 WIT on the 3rd is
    the 3rd's, though it is still the 3rd at 21:30 WIB): read a day either side, then
    keep those whose local date is `day`.
    """
    start = timezone.make_aware(datetime.combine(day, time.min)) - timedelta(days=1)
    end = start + timedelta(days=3)
    now = timezone.now()
    every = works_on_every_site(user)
    sites = user_site_ids(user)
    stories = Article.objects.scheduled().filter(published_at__range=(start, end))
    placed = Placement.objects.elsewhere().filter(
        published_at__range=(start, end), published_at__gt=now, withdrawn_at=None
    )
    planned = Assignment.objects.filter(due_at__range=(start, end))
    if not every:
        stories = stories.filter(site_id__in=sites)
        placed = placed.filter(site_id__in=sites)
        planned = planned.filter(site_id__in=sites)
    items = [
        CalendarItem(
            kind=_("Terjadwal"),
            at=story.published_at,
            zone_name=story.time_zone,
            title=story.headline,
            site=story.site,
            url=change_url(story.pk),
            detail=story.section.name if story.section else "",
        )
        for story in stories.select_related("site", "section")
    ]
    items += [
        CalendarItem(
            kind=_("Tayang di situs lain"),
            at=placement.published_at,
            zone_name=placement.article.time_zone,
            title=placement.headline or placement.article.headline,
            site=placement.site,
            url=change_url(placement.article_id),
            detail=placement.section.name if placement.section else "",
        )
        for placement in placed.select_related("article", "site", "section")
    ]
    items += [
        CalendarItem(
            kind=_("Rencana: %(status)s") % {"status": assignment.get_status_display()},
            at=assignment.due_at,
            zone_name=assignment.site.time_zone,
            title=assignment.title,
            site=assignment.site,
            url=assignment_url(assignment.pk),
            detail=" · ".join(
                filter(
                    None,
                    [
                        assignment.section.name if assignment.section else "",
                        assignment.reporter.get_username() if assignment.reporter else "",
                    ],
                )
            ),
        )
        for assignment in planned.select_related("site", "section", "reporter")
    ]
    items = [item for item in items if item.local.date() == day]
    return sorted(items, key=lambda item: item.local.astimezone(ZONES["WIB"]))
