"""Workflows of the meetings app: plain functions called by views, tasks and commands alike."""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from councils.models import Membership, MunicipalityMembership
from trygghet import alerts, audit, outbox
from trygghet.holidays import holiday_name
from trygghet.models import OutgoingEmail

from . import agenda_sources, rsvp
from .agenda_texts import render as render_text
from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarToken,
    Meeting,
    MeetingNotice,
    MeetingSeries,
    MinutesVersion,
    Observation,
    ShareLink,
    ShareLinkOpening,
    hash_token,
    new_token,
)
from .recurrence import RecurrenceError, occurrences

logger = logging.getLogger(__name__)

DEFAULT_HORIZON_WEEKS = 8
# At most this many meetings of one series are planned ahead, whatever its rule and the horizon
# (a daily series eight weeks ahead has 56 meetings, a weekly one two years ahead 104).
MAX_MEETINGS_AHEAD = 120
# The automatic agenda items are kept current for the meetings of the coming days (nightly,
# see tasks); further ahead they would only be stale.
AGENDA_REFRESH_DAYS = 14


# --- Generation -----------------------------------------------------------------------------


def generate_meetings(weeks=DEFAULT_HORIZON_WEEKS, now=None, series=None):
    """Create the meetings of every active series (or of ``series``) from now to ``weeks``
    ahead; see ``generate_series_meetings``. Returns the meetings created."""
    qs = MeetingSeries.objects.active().select_related("body", "municipality").order_by("pk")
    if series is not None:
        qs = qs.filter(pk__in=[s.pk for s in series])
    created = []
    for one in qs:
        created += generate_series_meetings(one, weeks=weeks, now=now)
    return created


def generate_series_meetings(series, weeks=DEFAULT_HORIZON_WEEKS, now=None):
    """Create one series' meetings from now to ``weeks`` ahead (at most ``MAX_MEETINGS_AHEAD``),
    in bulk: the meetings, their invitations and the series' default agenda items take a few
    statements however many meetings there are. The other automatic agenda items come with
    ``refresh_upcoming_agendas`` once a meeting is near.

    Idempotent: a second run, or two at once, create nothing more. One generation of a series
    runs at a time (a lock on the series row: the second waits, then finds the meetings made),
    and the unique constraint (series, occurrence_start) stays the last line. Existing meetings
    are never touched, so a meeting a coordinator moved or cancelled stays moved or cancelled.
    A series has at most one meeting a day: a meeting whose series got a new time keeps its old
    occurrence key, and must not get a twin at the new time.

    A rule stored before rules were checked (issue 10, finding 4) is skipped with a warning.
    Returns the meetings created.
    """
    now = now or timezone.now()
    horizon = now + datetime.timedelta(weeks=weeks)
    try:
        wanted = occurrences(series, now, horizon, limit=MAX_MEETINGS_AHEAD)
    except RecurrenceError as exc:
        logger.warning("series %s skipped: its rule is not valid (%s)", series.pk, exc)
        return []
    if not wanted:
        return []
    day = datetime.timedelta(days=1)
    with transaction.atomic():
        if not MeetingSeries.objects.select_for_update().filter(pk=series.pk).exists():
            return []  # deleted meanwhile
        taken = {
            timezone.localtime(start).date()
            for start in series.meetings.filter(
                occurrence_start__gte=now - day, occurrence_start__lt=horizon + day
            ).values_list("occurrence_start", flat=True)
        }
        new = [
            Meeting(
                municipality_id=series.municipality_id,
                body_id=series.body_id,
                series=series,
                occurrence_start=occurrence,
                kind=series.kind,
                title=series.display_title,
                start=occurrence,
                end=occurrence + datetime.timedelta(minutes=series.duration_minutes),
                place=series.place,
                video_url=series.video_url,
                holiday_name=holiday_name(occurrence.date()),
            )
            for occurrence in wanted
            if timezone.localtime(occurrence).date() not in taken
        ]
        if not new:
            return []
        Meeting.objects.bulk_create(new, ignore_conflicts=True)
        # The rows just inserted: under the lock no other generation of this series adds any.
        created = list(
            series.meetings.filter(occurrence_start__in=[m.occurrence_start for m in new])
            .select_related("series")
            .order_by("start")
        )
        _invite_members_in_bulk(series.body_id, created)
        _add_default_agenda_in_bulk(created)
    return created


def _invite_members_in_bulk(body_id, meetings):
    """``invite_members`` for new meetings of one body, in two statements."""
    first = timezone.localdate(meetings[0].start)
    last = timezone.localdate(meetings[-1].start)
    seats = list(
        Membership.objects.filter(body_id=body_id)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=last))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list("user_id", "start_date", "end_date")
    )
    rows = []
    for meeting in meetings:
        on = timezone.localdate(meeting.start)
        user_ids = {
            user_id
            for user_id, start, end in seats
            if (start is None or start <= on) and (end is None or end >= on)
        }
        rows += [
            Attendance(meeting=meeting, user_id=user_id, role=Attendance.Role.MEMBER)
            for user_id in sorted(user_ids)
        ]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)


def _add_default_agenda_in_bulk(meetings):
    """The series' default items (the ``series`` agenda source) of new meetings, in one
    statement; ``fill_agenda`` later finds them by their source key, as if it had made them."""
    items = []
    for meeting in meetings:
        specs = agenda_sources.series_defaults(meeting, None)
        items += [
            agenda_item_from_spec(meeting, f"{agenda_sources.SERIES_SOURCE}:{spec.key}", spec, n)
            for n, spec in enumerate(specs, start=1)
        ]
    AgendaItem.objects.bulk_create(items, ignore_conflicts=True)


def apply_series_change(series, weeks=DEFAULT_HORIZON_WEEKS, now=None):
    """After a coordinator edits a series: bring its future, untouched meetings in line.

    Untouched means still planned and never moved or cancelled by hand; those a coordinator
    changed stay exactly as they are. An untouched meeting whose date the new rule still has
    takes the new time, length, place and link (SEQUENCE grows, so calendars follow); one whose
    date the rule no longer has is cancelled (calendars see it go). Then the new occurrences
    are generated. Returns (updated, cancelled, created) counts.
    """
    now = now or timezone.now()
    horizon = now + datetime.timedelta(weeks=weeks)
    series.refresh_from_db()
    wanted = occurrences(series, now, horizon, limit=MAX_MEETINGS_AHEAD) if series.is_active else []
    by_date = {o.date(): o for o in wanted}
    updated = cancelled = 0
    with transaction.atomic():
        # The lock generation takes: the two never interleave on one series.
        MeetingSeries.objects.select_for_update().filter(pk=series.pk).exists()
        untouched = series.meetings.filter(
            start__gte=now, status=Meeting.Status.PLANNED, is_moved=False
        ).select_for_update()
        for meeting in untouched:
            local_day = timezone.localtime(meeting.occurrence_start or meeting.start).date()
            occurrence = by_date.get(local_day)
            if occurrence is None:
                cancel_meeting(meeting, _("The series was changed."))
                cancelled += 1
                continue
            values = {
                "occurrence_start": occurrence,
                "start": occurrence,
                "end": occurrence + datetime.timedelta(minutes=series.duration_minutes),
                "place": series.place,
                "video_url": series.video_url,
                "title": series.display_title,
            }
            changed = [f for f, v in values.items() if getattr(meeting, f) != v]
            if changed:
                for field, value in values.items():
                    setattr(meeting, field, value)
                update_meeting(meeting, changed)
                meeting.is_moved = False
                meeting.save(update_fields=["is_moved"])
                updated += 1
    created = generate_series_meetings(series, weeks=weeks, now=now) if series.is_active else []
    return updated, cancelled, len(created)


def invite_members(meeting):
    """Invite the body's current members (an attendance row each); safe to call again."""
    user_ids = (
        Membership.objects.current(timezone.localdate(meeting.start))
        .filter(body_id=meeting.body_id)
        .values_list("user_id", flat=True)
        .distinct()
    )
    existing = set(meeting.attendances.filter(user__isnull=False).values_list("user_id", flat=True))
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user_id=uid, role=Attendance.Role.MEMBER)
            for uid in user_ids
            if uid not in existing
        ],
        ignore_conflicts=True,
    )


# --- Agenda ---------------------------------------------------------------------------------


def _stored(value):
    """A spec's text as (plain text in the site's language, data or None)."""
    if isinstance(value, str):
        return value, None
    with translation.override(settings.LANGUAGE_CODE):
        return render_text(value), value


def agenda_item_from_spec(meeting, key, spec, position):
    """A new automatic agenda item (unsaved) as its source describes it."""
    item = AgendaItem(
        meeting=meeting,
        source_key=key,
        position=position,
        shareable=spec.shareable,
        presenter=spec.presenter,
        minutes_allotted=spec.minutes_allotted,
    )
    _apply_spec(item, spec)
    return item


def _apply_spec(item, spec):
    generated = {}
    for name in ("title", "description", "restricted_description"):
        text, data = _stored(getattr(spec, name))
        setattr(item, name, text)
        if data:
            generated[name] = data
    item.title = item.title[:200]
    item.generated = generated
    item.link = spec.link
    if spec.obj is not None:
        item.content_type = ContentType.objects.get_for_model(spec.obj)
        item.object_id = spec.obj.pk


def _spec_fields(item):
    return (
        item.title,
        item.description,
        item.restricted_description,
        item.generated,
        item.link,
        item.shareable,
        item.content_type_id,
        item.object_id,
    )


def agenda_specs(meeting, previous, existing=()):
    """What every registered source says about ``meeting`` now: ``(specs, kept)``, specs by
    source key in the sources' order, ``kept`` the keys in ``existing`` of sources that failed
    (their items are kept as they were). A spec with ``headings`` goes into the series item
    that starts with one of them (see ``agenda_sources``). Only reads."""
    specs = {}
    kept = set()
    for source in agenda_sources.registered_sources():
        try:
            produced = source.func(meeting, previous) or []
        except Exception:  # one broken source must not stop the agenda
            logger.exception("agenda source %s failed for meeting %s", source.key, meeting.pk)
            # Keep what it produced before rather than deleting it.
            kept.update(k for k in existing if k.startswith(f"{source.key}:"))
            continue
        for spec in produced:
            specs[f"{source.key}:{spec.key}"] = spec
    series = [s for k, s in specs.items() if k.startswith(f"{agenda_sources.SERIES_SOURCE}:")]
    for key, spec in list(specs.items()):
        if not spec.headings:
            continue
        target = next(
            (
                s
                for s in series
                if isinstance(s.title, str) and s.title.strip().casefold().startswith(spec.headings)
            ),
            None,
        )
        if target is not None:
            target.description = spec.description
            target.restricted_description = spec.restricted_description
            target.link = target.link or spec.link
            target.minutes_allotted = target.minutes_allotted or spec.minutes_allotted
            target.shareable = target.shareable and spec.shareable
        if target is not None or not spec.standalone:
            del specs[key]
    return specs, kept


def fill_agenda(meeting):
    """Run every registered agenda source; see ``agenda_sources`` for the contract.

    Fills of one meeting take turns (the meeting's row is locked): the nightly refill in a
    worker and a coordinator publishing the agenda at the same moment would otherwise both
    add the same automatic item, and one of them would fail on the unique source key."""
    with transaction.atomic():
        list(Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk"))
        return _fill_agenda(meeting)


def _fill_agenda(meeting):
    meeting.check_editable()
    now = timezone.now()
    previous = meeting.previous_meeting()
    items = list(meeting.agenda_items.order_by("position", "pk"))
    existing = {i.source_key: i for i in items if i.source_key}
    specs, kept = agenda_specs(meeting, previous, existing)
    new = []
    for key, spec in specs.items():
        item = existing.get(key)
        if item is None:
            new.append(agenda_item_from_spec(meeting, key, spec, 0))
            continue
        before = _spec_fields(item)
        if not spec.shareable:
            item.shareable = False
        _apply_spec(item, spec)
        if _spec_fields(item) != before:  # a refill mostly changes nothing
            item.computed_at = now
            item.save()
    removed = set()
    for key, item in existing.items():
        if key not in specs and key not in kept and not (item.notes or item.decisions):
            item.delete()
            removed.add(item.pk)
    # New items go before the closing items ("Övriga frågor"); the series' own come in order.
    order = [i for i in items if i.pk not in removed]
    for item in new:
        closing = next((n for n, i in enumerate(order) if agenda_sources.is_closing(i.title)), None)
        series = item.source_key.startswith(f"{agenda_sources.SERIES_SOURCE}:")
        if closing is None or series or agenda_sources.is_closing(item.title):
            order.append(item)
        else:
            order.insert(closing, item)
    for position, item in enumerate(order, start=1):
        if item.pk is None:
            item.position, item.computed_at = position, now
            item.save()
        elif item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    # The figures of every automatic item are as of now, changed or not (one statement).
    meeting.agenda_items.filter(source_key__in=list(specs)).exclude(computed_at=now).update(
        computed_at=now
    )
    return meeting.agenda_items.all()


def current_agenda(meeting):
    """Make the automatic items of a planned meeting current as its agenda is read (issue 12):
    a few aggregate queries and, when nothing changed, one update of the time of the figures.
    A published, held or cancelled meeting's agenda is left as it was sent."""
    if meeting.status != Meeting.Status.PLANNED or not meeting.is_not_yet_held:
        return False
    fill_agenda(meeting)
    return True


def agenda_changes(meeting, items):
    """What the sources say now that differs from a published agenda's ``items`` (which are
    left as they were sent): sets ``item.now`` (an unsaved item as it would read now) on each
    item that changed and returns the items that would be new, unsaved. Only reads."""
    if meeting.status != Meeting.Status.AGENDA_PUBLISHED or not meeting.is_not_yet_held:
        return []
    existing = {i.source_key: i for i in items if i.source_key}
    specs, _kept = agenda_specs(meeting, meeting.previous_meeting(), existing)
    new = []
    for key, spec in specs.items():
        current = agenda_item_from_spec(meeting, key, spec, 0)
        item = existing.get(key)
        if item is None:
            new.append(current)
            continue
        sent = (item.title, item.generated, item.description, item.restricted_description)
        now = (
            current.title,
            current.generated,
            current.description,
            current.restricted_description,
        )
        if sent != now:
            item.now = current
    return new


def refresh_upcoming_agendas(days=AGENDA_REFRESH_DAYS, now=None, meetings=None):
    """Refill the agendas of planned (unpublished) meetings of the coming ``days`` (of
    ``meetings``, a queryset, if given), so the automatic items are current when members first
    look. Returns how many were refilled."""
    now = now or timezone.now()
    meetings = (Meeting.objects.all() if meetings is None else meetings).filter(
        status=Meeting.Status.PLANNED,
        start__gte=now,
        start__lte=now + datetime.timedelta(days=days),
    )
    meetings = list(meetings.select_related("series", "municipality", "body"))
    for meeting in meetings:
        fill_agenda(meeting)
    return len(meetings)


def renumber(meeting, ordered_ids):
    """Put the agenda items in the given order (ids of this meeting's items only)."""
    meeting.check_editable()
    items = {i.pk: i for i in meeting.agenda_items.all()}
    ids = [int(i) for i in ordered_ids if int(i) in items]
    ids += [pk for pk in sorted(items, key=lambda pk: items[pk].position) if pk not in ids]
    with transaction.atomic():
        for position, pk in enumerate(ids, start=1):
            if items[pk].position != position:
                items[pk].position = position
                items[pk].save(update_fields=["position"])
    return ids


def move_item(item, direction):
    """Move an item one place up (-1) or down (+1). Returns its new 1-based position."""
    ids = list(item.meeting.agenda_items.values_list("pk", flat=True))
    index = ids.index(item.pk)
    target = max(0, min(len(ids) - 1, index + direction))
    ids.insert(target, ids.pop(index))
    renumber(item.meeting, ids)
    return target + 1


def add_item(meeting, **fields):
    meeting.check_editable()
    position = (meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem(meeting=meeting, position=position, **fields)
    item.save()
    return item


# --- Meeting changes and status ---------------------------------------------------------------

SEQUENCE_FIELDS = ("start", "end", "place", "video_url", "status", "title")


def update_meeting(meeting, changed_fields):
    """Save a coordinator's change. A new time marks the meeting moved (generation leaves it
    alone anyway, since it keeps its rule occurrence); calendar changes raise SEQUENCE."""
    if set(changed_fields) & {"start", "end"} and meeting.occurrence_start:
        meeting.is_moved = meeting.start != meeting.occurrence_start
    if set(changed_fields) & set(SEQUENCE_FIELDS):
        meeting.sequence += 1
    meeting.holiday_name = holiday_name(timezone.localtime(meeting.start).date())
    with transaction.atomic():
        meeting.save()
        # Subscribers to the body's meeting changes (issue 17), with the change or not at all.
        alerts.meeting_changed(meeting, changed_fields)
    return meeting


def cancel_meeting(meeting, reason=""):
    meeting.check_editable()
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = reason
    return update_meeting(meeting, ["status"])


def publish_agenda(meeting, notify=True):
    """Publish the agenda and e-mail the invited members a link (queued in the caller's
    transaction, sent after commit)."""
    if not meeting.is_not_yet_held:
        raise ValidationError(_("Only a planned meeting's agenda can be published."))
    invite_members(meeting)
    fill_agenda(meeting)
    first = meeting.agenda_published_at is None
    meeting.status = Meeting.Status.AGENDA_PUBLISHED
    meeting.agenda_published_at = meeting.agenda_published_at or timezone.now()
    update_meeting(meeting, ["status"])
    if first and notify:
        # The mails are written with the publication (one transaction) and sent after commit;
        # a broker that is down only delays them (trygghet/outbox.py).
        outbox.send_after_commit(queue_agenda_email(meeting.pk))
    return meeting


def mark_held(meeting):
    meeting.check_editable()
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be marked as held."))
    meeting.status = Meeting.Status.HELD
    return update_meeting(meeting, ["status"])


# --- E-mail -----------------------------------------------------------------------------------


def _recipients(meeting):
    """The invitations whose person gets the meeting's mails."""
    return [
        a
        for a in meeting.attendances.select_related("user").filter(user__isnull=False)
        if a.user.email and a.user.is_active
    ]


def _queue_notice(meeting_id, kind, subject_text, template):
    """Queue one kind of e-mail for a meeting at most once (a MeetingNotice row per kind): a
    mail per invited member in the outbox, in the caller's transaction. Returns the ids of
    the outbox rows (none if this kind was queued before or the meeting is cancelled)."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("municipality", "body")
            .get(pk=meeting_id)
        )
        if meeting.is_cancelled:
            return []
        try:
            with transaction.atomic():
                notice = MeetingNotice.objects.create(meeting=meeting, kind=kind)
        except IntegrityError:
            return []
        recipients = _recipients(meeting)
        url = settings.SITE_URL + meeting.get_absolute_url()
        answerable = rsvp.can_answer(meeting)
        with translation.override(settings.LANGUAGE_CODE):
            when = formats.date_format(timezone.localtime(meeting.start), "DATETIME_FORMAT")
            subject = subject_text() % {"title": meeting.title, "when": when}
            mails = [
                outbox.Mail(
                    attendance.user.email,
                    subject,
                    render_to_string(
                        template,
                        {
                            "meeting": meeting,
                            "user": attendance.user,
                            "url": url,
                            "when": when,
                            # One-click answers (issue 12, point 4): signed, no login needed.
                            "answer_urls": rsvp.answer_urls(attendance) if answerable else None,
                        },
                    ),
                )
                for attendance in recipients
            ]
        notice.recipients = len(recipients)
        notice.save(update_fields=["recipients"])
        return outbox.queue(f"{kind}:{meeting.pk}", mails)


def queue_agenda_email(meeting_id):
    return _queue_notice(
        meeting_id,
        MeetingNotice.Kind.AGENDA,
        lambda: _("Agenda: %(title)s, %(when)s"),
        "meetings/email/agenda_published.txt",
    )


def queue_reminder(meeting_id):
    return _queue_notice(
        meeting_id,
        MeetingNotice.Kind.REMINDER,
        lambda: _("Reminder: %(title)s, %(when)s"),
        "meetings/email/reminder.txt",
    )


def _unsent(kind, meeting_id):
    return OutgoingEmail.objects.filter(
        key=f"{kind}:{meeting_id}", status=OutgoingEmail.Status.PENDING
    ).values_list("pk", flat=True)


def send_agenda_email(meeting_id):
    """For a worker: queue the agenda mail (if not yet queued) and send what is unsent.
    Returns the number of mails sent."""
    queue_agenda_email(meeting_id)
    return outbox.deliver(list(_unsent(MeetingNotice.Kind.AGENDA, meeting_id)))


def send_reminder(meeting_id):
    """For a worker: queue the reminder once and send it. Returns the number of mails sent."""
    queue_reminder(meeting_id)
    return outbox.deliver(list(_unsent(MeetingNotice.Kind.REMINDER, meeting_id)))


def meetings_due_for_reminder(now=None):
    now = now or timezone.now()
    until = now + datetime.timedelta(hours=settings.MEETING_REMINDER_HOURS)
    return (
        Meeting.objects.filter(
            start__gt=now,
            start__lte=until,
            status__in=Meeting.NOT_YET_HELD,
        )
        .exclude(notices__kind=MeetingNotice.Kind.REMINDER)
        .values_list("pk", flat=True)
    )


# --- Share links ------------------------------------------------------------------------------


@transaction.atomic
def create_share_link(*, created_by, label, expires_at, meeting=None, series=None, request=None):
    """Make a share link; returns (link, token). The token is only ever in this return value."""
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    target = meeting or series
    token = new_token()
    link = ShareLink.objects.create(
        municipality_id=target.municipality_id,
        meeting=meeting,
        series=series,
        label=label,
        expires_at=expires_at,
        created_by=created_by,
        token_hash=hash_token(token),
    )
    record_share_link(
        link,
        audit.Action.SHARE_LINK_CREATED,
        new={"label": label, "shows": str(target), "expires_at": expires_at},
        actor=created_by,
        request=request,
    )
    return link, token


def queue_share_link_mails(link, url, recipients, *, sender):
    """Mail a new share link's address to each of ``recipients`` (issue 12, point 10), through
    the outbox, in the caller's transaction (sent after commit). The address is in these mails
    and nowhere else: the token is never stored. Returns the outbox ids."""
    meeting = shared_meeting(link)
    with translation.override(settings.LANGUAGE_CODE):
        title = link.meeting.title if link.meeting_id else link.series.display_title
        when = (
            formats.date_format(timezone.localtime(meeting.start), "DATETIME_FORMAT")
            if meeting
            else ""
        )
        subject = _("Agenda shared with you: %(title)s") % {"title": title}
        body = render_to_string(
            "meetings/email/share_link.txt",
            {
                "link": link,
                "meeting": meeting,
                "title": title,
                "when": when,
                "url": url,
                "sender": sender,
            },
        )
    mails = [outbox.Mail(to, subject, body) for to in recipients]
    ids = outbox.queue(f"share-link:{link.pk}", mails)
    outbox.send_after_commit(ids)
    return ids


@transaction.atomic
def revoke_share_link(link, *, request=None):
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record_share_link(
            link,
            audit.Action.SHARE_LINK_REVOKED,
            old={"revoked_at": None},
            new={"revoked_at": link.revoked_at},
            request=request,
        )
    return link


def record_share_link(link, action, **kwargs):
    """An audit event about the link, named by whom it is for and what it shows."""
    target = link.meeting if link.meeting_id else link.series
    audit.record(link.municipality_id, action, link, label=f"{link.label} – {target}", **kwargs)


def find_share_link(token):
    return (
        ShareLink.objects.select_related("meeting", "series", "municipality")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def log_opening(link, outcome, request):
    user_agent = request.headers.get("User-Agent", "")[:300]
    ShareLinkOpening.objects.create(link=link, outcome=outcome, user_agent=user_agent)
    if outcome == ShareLinkOpening.SHOWN:  # an opening (an answer is RSVP; invalid links, never)
        record_share_link(
            link, audit.Action.SHARE_LINK_OPENED, new={"user_agent": user_agent}, request=request
        )


def shared_meeting(link, now=None):
    """The meeting a share link shows: its meeting, or the series' next meeting."""
    if link.meeting_id:
        return link.meeting
    now = now or timezone.now()
    return link.series.meetings.not_cancelled().filter(end__gte=now).order_by("start").first()


def guest_answer(link, meeting, guest_key):
    """The answer the holder of ``guest_key`` gave to ``meeting`` through ``link``, or None."""
    if not guest_key or meeting is None:
        return None
    return meeting.attendances.filter(
        via_share_link=link, guest_key_hash=hash_token(guest_key), user__isnull=True
    ).first()


def record_guest_response(link, meeting, *, guest_key, name, organisation, attending, email=""):
    """Save a guest's answer through a share link; returns (attendance, guest_key).

    An answer belongs to the guest who gave it: ``guest_key`` (a token the guest's browser keeps
    for the link; None on a first answer, then a new one is made) is the only way to change it.
    One answer per guest: a second answer from the same key changes the first, whatever name it
    gives. A name another guest of the meeting already has is refused, so nobody can overwrite or
    double someone else's answer by typing their name (issue 9).

    A guest who is an invited person (issue 12, point 4) is not added twice: with the e-mail
    address of an invitation, no guest row is written and the person is mailed a link that
    saves the answer on their invitation (returned: (invitation, None), the invitation's
    ``confirmation_sent`` set); with only the name of an invited person, the address is asked
    for. An address another guest of the meeting gave is refused like a taken name.
    """
    meeting.check_editable()
    status = Attendance.Status.ATTENDING if attending else Attendance.Status.NOT_ATTENDING
    email = (email or "").strip()
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one answer at a time
        attendance = guest_answer(link, meeting, guest_key)
        invitation = rsvp.invitation_with_email(meeting, email)
        if invitation is not None:
            answer = rsvp.YES if attending else rsvp.NO
            outbox.send_after_commit(rsvp.queue_confirmation(invitation, answer))
            invitation.confirmation_sent = True
            return invitation, None
        if not email and rsvp.invitation_with_name(meeting, name) is not None:
            raise ValidationError(
                _(
                    "%(name)s is invited to this meeting. Give the e-mail address the "
                    "invitation went to, and we send a link there that saves your answer."
                )
                % {"name": name},
                code="invited",
            )
        same_name = meeting.attendances.filter(
            user__isnull=True, name__iexact=name, organisation_name__iexact=organisation
        )
        if email:
            same_name = same_name | meeting.attendances.filter(
                user__isnull=True, email__iexact=email
            )
        if attendance is not None:
            same_name = same_name.exclude(pk=attendance.pk)
        if same_name.exists():
            raise ValidationError(
                _(
                    "Someone has already answered in this name. If it was you, answer again "
                    "from the same browser; otherwise ask the coordinator who sent the link."
                ),
                code="name_taken",
            )
        if attendance is None:
            guest_key = guest_key or new_token()
            attendance = Attendance(
                meeting=meeting,
                role=Attendance.Role.GUEST,
                via_share_link=link,
                guest_key_hash=hash_token(guest_key),
            )
        attendance.name = name
        attendance.organisation_name = organisation
        attendance.email = email
        attendance.status = status
        attendance.responded_at = timezone.now()
        attendance.save()
    return attendance, guest_key


# --- Minutes ----------------------------------------------------------------------------------


def attendee_organisations(meeting):
    """user id -> the organisation the person represents: their seat in the body, or else their
    organisation in the municipality."""
    user_ids = list(
        meeting.attendances.filter(user__isnull=False).values_list("user_id", flat=True)
    )
    result = {
        m.user_id: str(m.organisation)
        for m in MunicipalityMembership.objects.filter(
            municipality_id=meeting.municipality_id,
            user_id__in=user_ids,
            organisation__isnull=False,
        ).select_related("organisation")
    }
    result.update(
        {
            m.user_id: str(m.organisation)
            for m in Membership.objects.filter(
                body_id=meeting.body_id, user_id__in=user_ids, organisation__isnull=False
            ).select_related("organisation")
        }
    )
    return result


def build_minutes_snapshot(meeting):
    """Everything the minutes say, as plain data (stored as JSON when approved)."""
    local = timezone.localtime
    attendances = meeting.attendances.select_related("user").order_by(
        "role", "user__first_name", "name"
    )
    items = meeting.agenda_items.order_by("position", "pk").prefetch_related(
        "action_items__owner", "action_items__owner_organisation"
    )
    organisations = attendee_organisations(meeting)
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "body": meeting.body.name,
            "municipality": meeting.municipality.name,
            "kind": meeting.kind,
            "start": local(meeting.start).isoformat(),
            "end": local(meeting.end).isoformat(),
            "place": meeting.place,
            "route": meeting.route,
            "area": str(meeting.area or ""),
        },
        "attendance": [
            {
                "name": a.display_name,
                "organisation": a.organisation_name or organisations.get(a.user_id, ""),
                "role": a.get_role_display(),
                "role_key": a.role,
                "status": a.get_status_display(),
                "status_key": a.status,
            }
            for a in attendances
        ],
        "items": [
            {
                "number": index,
                "title": item.title,
                "description": item.description,
                "notes": item.notes,
                "decisions": item.decisions,
                "action_items": [
                    {
                        "what": a.what,
                        "owner": a.owner_label,
                        "due_date": a.due_date.isoformat() if a.due_date else "",
                        "status": a.get_status_display(),
                        "status_key": a.status,
                    }
                    for a in item.action_items.all()
                ],
            }
            for index, item in enumerate(items, start=1)
        ],
        "observations": [
            {
                "place": o.place,
                "category": o.get_category_display(),
                "description": o.description,
            }
            for o in meeting.observations.all()
        ],
    }


def display_snapshot(snapshot):
    """The snapshot with its choice labels in the reader's language (the stored keys are the
    record; the labels stored beside them are only a fallback)."""
    roles = dict(Attendance.Role.choices)
    statuses = dict(Attendance.Status.choices)
    action_statuses = dict(ActionItem.Status.choices)
    shown = {**snapshot}
    shown["attendance"] = [
        {
            **row,
            "role": roles.get(row.get("role_key"), row.get("role", "")),
            "status": statuses.get(row.get("status_key"), row.get("status", "")),
        }
        for row in snapshot.get("attendance", [])
    ]
    shown["items"] = [
        {
            **item,
            "action_items": [
                {**a, "status": action_statuses.get(a.get("status_key"), a.get("status", ""))}
                for a in item.get("action_items", [])
            ],
        }
        for item in snapshot.get("items", [])
    ]
    return shown


def approve_minutes(meeting, user):
    """Freeze the minutes: a new ``MinutesVersion`` and the meeting is locked."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != Meeting.Status.HELD:
            raise ValidationError(_("Only the minutes of a held meeting can be approved."))
        number = (meeting.minutes_versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = MinutesVersion.objects.create(
            meeting=meeting,
            number=number,
            snapshot=build_minutes_snapshot(meeting),
            approved_by=user,
            reason=getattr(meeting, "_revision_reason", ""),
        )
        meeting.status = Meeting.Status.MINUTES_APPROVED
        meeting.minutes_version = number
        meeting.save(update_fields=["status", "minutes_version", "updated_at"])
    return version


def reopen_minutes(meeting, user, reason):
    """Start version n+1 of approved minutes. The approved versions stay as they are."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the minutes need a new version.")})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != Meeting.Status.MINUTES_APPROVED:
            raise ValidationError(_("Only approved minutes get a new version."))
        meeting.status = Meeting.Status.HELD
        meeting.minutes_version = meeting.minutes_versions.count() + 1
        meeting.save(update_fields=["status", "minutes_version", "updated_at"])
        logger.info("minutes of meeting %s reopened by %s: %s", meeting.pk, user.pk, reason)
    return meeting


def add_action_item(
    meeting, *, what, owner=None, owner_organisation=None, due_date=None, agenda_item=None
):
    meeting.check_editable()
    return ActionItem.objects.create(
        municipality_id=meeting.municipality_id,
        meeting=meeting,
        body_id=meeting.body_id,
        agenda_item=agenda_item,
        what=what,
        owner=owner,
        owner_organisation=owner_organisation,
        due_date=due_date,
    )


def set_action_status(action, status):
    action.status = status
    action.closed_at = None if status == ActionItem.Status.OPEN else timezone.now()
    action.save(update_fields=["status", "closed_at"])
    if hasattr(action, "observation") and status == ActionItem.Status.DONE:
        Observation.objects.filter(action_item=action).update(status=Observation.Status.RESOLVED)
    return action


def observation_to_action(observation, *, owner_organisation=None, owner=None, due_date=None):
    if observation.action_item_id:
        return observation.action_item
    with transaction.atomic():
        meeting = observation.meeting
        meeting.check_editable()  # the walk's action items are part of its minutes
        action = ActionItem.objects.create(
            municipality_id=observation.municipality_id,
            meeting=meeting,
            body_id=meeting.body_id,
            what=f"{observation.place}: {observation.description}"[:300],
            owner=owner,
            owner_organisation=owner_organisation,
            due_date=due_date,
        )
        observation.action_item = action
        observation.save(update_fields=["action_item"])
    return action


# --- Calendar tokens ----------------------------------------------------------------------------


def create_calendar_token(user, body=None):
    """A new private feed address; the old one (if any) stops working. Returns the token."""
    token = new_token()
    with transaction.atomic():
        CalendarToken.objects.filter(user=user, body=body, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        CalendarToken.objects.create(user=user, body=body, token_hash=hash_token(token))
    return token


def find_calendar_token(token):
    return (
        CalendarToken.objects.select_related("user", "body", "body__municipality")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
