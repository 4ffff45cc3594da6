"""Editorial state changes: the only code that moves a story's status.

Each change checks the rules (state and permission), writes atomically with the
row locked, records a `StateChange`, then runs its side effects. The admin, the
commands and the tests all come through `perform()`, so they behave the same.

    Draf ──submit──▶ Menunggu tinjauan ──publish/schedule──▶ Terbit (or Terjadwal)
      ▲                     │                                     │
      └──request_changes────┘                          unpublish ─▶ Ditarik

Every rule holds per site: a user acts only on stories of the sites they work on
(`articles.network`). A story runs on other sites through placements, each with
its own time: `place()` puts it on a site (or reschedules it there), and
`withdraw_placement()` takes it off one site, leaving the others.

A story under embargo goes live neither now nor at a time before the embargo, for
any role (`embargo_refusal()`, which imports use too). The story's author is told
(`articles.editorial.notes`) when it is sent back, published or scheduled.
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..delivery.purge import purge_when_public
from ..models import Article, Placement, StateChange
from ..network import may_work_on
from . import notes, placements

Status = Article.Status
PUBLISH_PERMISSION = "articles.publish_article"
EDIT_ANY_PERMISSION = "articles.edit_any_article"


# The action a seed import records: not one an editor takes, so not an `Action`.
IMPORT = "import"


class Action(models.TextChoices):
    SUBMIT = "submit", _("Ajukan untuk ditinjau")
    REQUEST_CHANGES = "request_changes", _("Kembalikan ke penulis")
    PUBLISH = "publish", _("Terbitkan sekarang")
    SCHEDULE = "schedule", _("Jadwalkan")
    UNPUBLISH = "unpublish", _("Tarik dari situs")


class PlacementAction(models.TextChoices):
    PLACE = "place", _("Tayangkan di situs lain")
    WITHDRAW = "withdraw_placement", _("Tarik dari satu situs")


@dataclass(frozen=True)
class Rule:
    from_statuses: frozenset
    to_status: str
    permission: str | None  # None: the story's author (or an editor) may do it
    needs_note: bool = False


RULES = {
    Action.SUBMIT: Rule(frozenset({Status.DRAFT}), Status.IN_REVIEW, None),
    Action.REQUEST_CHANGES: Rule(
        frozenset({Status.IN_REVIEW}), Status.DRAFT, PUBLISH_PERMISSION, needs_note=True
    ),
    # Publishing a scheduled (PUBLISHED, future) story brings it forward to now.
    Action.PUBLISH: Rule(
        frozenset({Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED, Status.PUBLISHED}),
        Status.PUBLISHED,
        PUBLISH_PERMISSION,
    ),
    # A scheduled story is PUBLISHED with a future time, so it can be rescheduled too.
    Action.SCHEDULE: Rule(
        frozenset({Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED, Status.PUBLISHED}),
        Status.PUBLISHED,
        PUBLISH_PERMISSION,
    ),
    Action.UNPUBLISH: Rule(frozenset({Status.PUBLISHED}), Status.UNPUBLISHED, PUBLISH_PERMISSION),
}


class TransitionRefused(Exception):
    """A state change the rules do not allow; `message` is for the editor."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


def is_own_draft(user, article):
    return (
        article.status == Status.DRAFT
        and article.author_id is not None
        and article.author_id == user.pk
    )


def can_edit(user, article):
    """Editors edit any story of their sites; reporters only their own drafts."""
    if not may_work_on(user, article.site_id):
        return False
    if user.has_perm(EDIT_ANY_PERMISSION):
        return True
    return user.has_perm("articles.change_article") and is_own_draft(user, article)


def site_refusal(user, site_id):
    if not may_work_on(user, site_id):
        return _("Anda bukan redaksi situs berita ini.")
    return None


def embargo_refusal(article, publish_at=None):
    """Why `article` may not go live at `publish_at` (now when None): its embargo, or None.

    Holds for every role and every way in (the admin, commands, imports, restores)."""
    embargo = article.embargo_until
    when = publish_at or timezone.now()
    if embargo is not None and when < embargo:
        return _(
            "Berita ini diembargo sampai %(when)s; ia tidak dapat terbit atau dijadwalkan "
            "sebelum waktu itu."
        ) % {"when": article.date_line_of(embargo)}
    return None


def refusal(user, article, action):
    """Why `user` may not do `action` to `article` in its present state, or None."""
    if reason := site_refusal(user, article.site_id):
        return reason
    if action == Action.PUBLISH and (reason := embargo_refusal(article)):
        return reason
    rule = RULES[action]
    if article.status not in rule.from_statuses:
        return _("Tindakan '%(action)s' tidak bisa dilakukan pada berita berstatus %(status)s.") % {
            "action": action.label,
            "status": article.status_label,
        }
    if action in (Action.PUBLISH, Action.SCHEDULE) and article.is_published:
        return _("Berita ini sudah terbit; tarik dulu bila harus dijadwalkan ulang.")
    if rule.permission and not user.has_perm(rule.permission):
        return _("Anda tidak berwenang untuk '%(action)s'.") % {"action": action.label}
    if rule.permission is None and not can_edit(user, article):
        return _("Hanya penulisnya atau editor yang dapat mengajukan berita ini.")
    return None


def input_refusal(action, *, note, publish_at, now, article=None):
    """Why the note or time given with `action` will not do, or None."""
    if RULES[action].needs_note and not note.strip():
        return _("Tulis catatan untuk penulis: apa yang perlu diubah.")
    if action == Action.SCHEDULE:
        if publish_at is None:
            return _("Isi waktu terbit untuk menjadwalkan berita.")
        if publish_at <= now:
            return _(
                "Waktu jadwal harus di masa depan; "
                "untuk terbit sekarang pilih 'Terbitkan sekarang'."
            )
        if article is not None:
            return embargo_refusal(article, publish_at)
    return None


def allowed_actions(user, article):
    """The actions the admin offers this user for this story."""
    return [action for action in Action if refusal(user, article, action) is None]


def perform(article, action, *, user, note="", publish_at=None):
    """Do `action` to `article` as `user`, or raise `TransitionRefused`.

    Returns the updated article. The row is locked for the check and the write,
    so two editors acting at once cannot both move it.
    """
    action = Action(action)
    now = timezone.now()
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        reason = refusal(user, locked, action) or input_refusal(
            action, note=note, publish_at=publish_at, now=now, article=locked
        )
        if reason:
            raise TransitionRefused(reason)
        from_status = locked.status
        was_live = locked.is_published
        went_live_before = (
            locked.first_published_at is not None and locked.first_published_at <= now
        )
        locked.status = RULES[action].to_status
        if action == Action.SCHEDULE:
            locked.published_at = publish_at
        elif action == Action.PUBLISH and not went_live_before:
            locked.published_at = now  # a story that was live before keeps its original time
        if locked.status == Status.PUBLISHED and not went_live_before:
            locked.first_published_at = locked.published_at
        locked.version += 1  # a story form opened before this step is refused, not saved
        locked.save(
            update_fields=["status", "published_at", "first_published_at", "version", "updated_at"]
        )
        placements.sync_origin(locked)
        if action == Action.UNPUBLISH:
            placements.withdraw_elsewhere(locked, now=now)
        StateChange.objects.create(
            article=locked,
            actor=user,
            at=now,
            action=action,
            from_status=from_status,
            to_status=locked.status,
            publish_at=locked.published_at if locked.status == Status.PUBLISHED else None,
            note=note.strip(),
        )
        notes.story_moved(locked, action, user=user, note=note.strip())
        purge_when_public(
            locked,
            was_live,
            locked.is_published,
            goes_live=publish_at if action == Action.SCHEDULE else None,
        )
    return locked


def publish_import(article, *, published_at, note, purge=True):
    """Publish `article`, a story just loaded from a seed document, at `published_at`,
    or raise `TransitionRefused` for its embargo. Returns the updated article.

    The import saved its content (and bumped its version for an edit) with the row
    locked; this step sets the status and times, records the change (when the status
    moves) and purges, as `perform()` does. `purge=False`: the caller loads many
    stories and purges once at the end.
    """
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if reason := embargo_refusal(locked, published_at):
            raise TransitionRefused(reason)
        from_status, was_live = locked.status, locked.is_published
        locked.status = Status.PUBLISHED
        locked.published_at = published_at
        locked.first_published_at = locked.first_published_at or published_at
        locked.save(update_fields=["status", "published_at", "first_published_at", "updated_at"])
        placements.sync_origin(locked)
        if from_status != locked.status:  # new, or withdrawn since and loaded again
            StateChange.objects.create(
                article=locked,
                action=IMPORT,
                from_status=from_status,
                to_status=locked.status,
                publish_at=locked.published_at,
                note=note,
            )
        if purge:
            purge_when_public(locked, was_live, locked.is_published)
    return locked


def placement_refusal(user, article, site):
    """Why `user` may not place `article` on `site` (or change or withdraw it there)."""
    if reason := site_refusal(user, article.site_id) or site_refusal(user, site.pk):
        return reason
    if not user.has_perm(PUBLISH_PERMISSION):
        return _("Anda tidak berwenang menayangkan berita di situs lain.")
    if site.pk == article.site_id:
        return _("Ini situs asal berita; jadwal di sini diatur lewat penerbitan berita.")
    return None


def place(article, site, *, user, section=None, publish_at=None, headline="", note=""):
    """Run `article` on `site` from `publish_at` (now when None), in `section` of that
    site and optionally under its own headline; again on a placement that exists
    (rescheduled, moved, or back after a withdrawal). Returns the placement."""
    now = timezone.now()
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        reason = placement_refusal(user, locked, site)
        if reason is None and (not_here := site.section_refusal(section)):
            reason = not_here.messages[0]
        if reason is None and locked.status in (Status.UNPUBLISHED,):
            reason = _("Berita ini sudah ditarik di situs asalnya.")
        if reason is None:
            reason = embargo_refusal(locked, publish_at)
        if reason:
            raise TransitionRefused(reason)
        publish_at = max(publish_at or now, locked.published_at or now)
        placement, _created = Placement.objects.update_or_create(
            article=locked,
            site=site,
            defaults={
                "section": section,
                "published_at": publish_at,
                "headline": headline.strip(),
                "withdrawn_at": None,
            },
        )
        StateChange.objects.create(
            article=locked,
            actor=user,
            at=now,
            action=PlacementAction.PLACE,
            from_status=locked.status,
            to_status=locked.status,
            publish_at=publish_at,
            site=site,
            note=note.strip(),
        )
        purge_when_public(
            locked, True, site_ids={site.pk}, goes_live=publish_at if publish_at > now else None
        )
    return placement


def withdraw_placement(placement, *, user, note=""):
    """Take a story off one site of the network; it stays on the others."""
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Placement.objects.select_for_update()
            .select_related("article", "site")
            .get(pk=placement.pk)
        )
        reason = placement_refusal(user, locked.article, locked.site)
        if reason is None and locked.withdrawn_at is not None:
            reason = _("Berita ini sudah ditarik dari %(site)s.") % {"site": locked.site}
        if reason:
            raise TransitionRefused(reason)
        locked.withdrawn_at = now
        locked.save(update_fields=["withdrawn_at"])
        StateChange.objects.create(
            article=locked.article,
            actor=user,
            at=now,
            action=PlacementAction.WITHDRAW,
            from_status=locked.article.status,
            to_status=locked.article.status,
            site=locked.site,
            note=note.strip(),
        )
        purge_when_public(locked.article, True, site_ids={locked.site_id})
    return locked
