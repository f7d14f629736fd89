"""Subscriptions and alerts (issue 17): what is alerted, to whom, and how the mails leave.

**Where alerts come from.**

- *New incidents*: a sweep (``build_incident_alerts``, beat every minute) over the incidents
  logged since the municipality's cursor, whatever made them (the form, the API, offline sync,
  the police import, a CSV file): one place, robust to every path and to a crash (the cursor
  moves in the transaction that writes the alerts). It reads back ``CURSOR_OVERLAP`` before
  the cursor, because an incident's ``created_at`` is set before its transaction commits (an
  import's rows commit together, later); the unique (subscription, item) constraint makes
  the overlap harmless. Only incidents logged after the subscription was made are alerted.
- *Meeting changes*: ``meeting_changed``, called by ``meetings.services.update_meeting`` (every
  change of a meeting goes through it) in the change's own transaction, when an upcoming
  meeting's time, place or video link changes or it is cancelled. The item is the meeting at
  that ``sequence`` (the counter calendars read), so each change is alerted once.
- *A lägesbild waiting for my review*: the sweep finds reports in review submitted since the
  cursor, for the subscribers who may comment on or approve them
  (``situation_reports.permissions``). A subscriber is then left out of the old "ready for
  review" mail (``situation_reports.services.workflow.notify_members``): one mail, not two.
- *My actions late*: the agreement's actions the person leads and the meetings' action items
  they own, open and past their due date, with the one definition of "late"
  (``ActionQuerySet.late``). The quarterly follow-up reminder (``councils.services.reminders``)
  is another thing (no follow-up this quarter, late or not) and stays as it is; the item key
  carries the due date, so a new due date that passes is alerted again, once.

**Access.** Each alert is found with the querysets the pages use, for the person's active
membership: ``Incident.objects.restrict(membership)`` (a private company never gets a
restricted incident), ``Meeting.objects.restrict``, the report permissions, and only rows of
the subscription's municipality (the sweep runs inside its scope). When the mail is written
the items are read again the same way: an incident restricted (or withdrawn) since, or a
person whose membership ended, means the alert is skipped, never sent. The mail shows a few
fields (category, date, area; a meeting's time and place) and links to the page.

**Sending.** Pending alerts are collected per person, municipality and frequency into one
mail (``queue_mails``): at once by the minute sweep, daily and weekly by their beat tasks. The
alerts are locked (``skip_locked``), put in one outbox row (``trygghet/outbox.py``, key
``alerts:<first alert id>``) and marked queued in one transaction, so a run twice, at once or
after a crash, mails each alert once; the outbox sends it once, retrying a failed SMTP server.

**Unsubscribing.** Every mail has ``List-Unsubscribe`` and ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click`` (RFC 8058) with a link that stops the mail's subscriptions, and
a link to the person's subscriptions page. The link's token is *signed*
(``django.core.signing``, its own salt), not a random token stored hashed: the same link must
work from every mail ever sent (a hashed token cannot be written into the next mail), nothing
secret is stored, and it names only the person and the subscriptions it stops, so a forged or
altered one fails the signature. What it can do is small and undoable (pause subscriptions),
so it does not expire.
"""

import datetime
import logging
from collections import defaultdict
from types import SimpleNamespace

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_scopes import scopes_disabled

from . import outbox
from .alert_models import Alert, AlertCursor, Subscription
from .tenancy import each_municipality, sees_restricted

logger = logging.getLogger(__name__)

CURSOR_OVERLAP = datetime.timedelta(minutes=15)
MAIL_ITEMS = 50  # items listed in one mail; the rest are counted, with the link
ALERT_FIELDS = (
    "pk",
    "subscription_id",
    "incident_id",
    "meeting_id",
    "report_id",
    "action_id",
    "action_item_id",
    "change",
)
UNSUBSCRIBE_SALT = "trygghet.alerts.unsubscribe"
# The fields of a meeting whose change is alerted (``meetings.services.SEQUENCE_FIELDS`` also
# counts the title and the status, which publishing an agenda changes).
MEETING_FIELDS = ("start", "end", "place", "video_url")

Kind = Subscription.Kind
Frequency = Subscription.Frequency


# --- Who ---------------------------------------------------------------------------------------


def active_memberships(municipality, user_ids):
    """The active memberships, of active people, in ``municipality``: ``{user id: membership}``.
    Somebody without one gets nothing (their subscriptions stop)."""
    from councils.models import MunicipalityMembership

    rows = MunicipalityMembership.objects.filter(
        municipality=municipality, user_id__in=user_ids, is_active=True, user__is_active=True
    ).select_related("municipality", "organisation", "user")
    return {m.user_id: m for m in rows}


def _subscriptions(municipality, kind):
    return Subscription.objects.active().filter(municipality=municipality, kind=kind)


# --- Incidents ---------------------------------------------------------------------------------


def _advance(municipality, kind, now):
    """The cursor of ``kind`` (locked), its read-from position, and a function to move it. A
    new cursor starts at the kind's first subscription (nothing before it is alerted)."""
    cursor = AlertCursor.objects.select_for_update().filter(municipality=municipality, kind=kind)
    cursor = cursor.first()
    if cursor is None:
        first = (
            _subscriptions(municipality, kind)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        AlertCursor.objects.bulk_create(
            [AlertCursor(municipality=municipality, kind=kind, position=min(first or now, now))],
            ignore_conflicts=True,  # a concurrent sweep made it first
        )
        cursor = AlertCursor.objects.select_for_update().get(municipality=municipality, kind=kind)
    since = cursor.position - CURSOR_OVERLAP

    def move():
        cursor.position = max(cursor.position, now)
        cursor.save(update_fields=["position"])

    return since, move


def build_incident_alerts(municipality, now=None, since=None):
    """Write the alerts of the incidents logged in ``municipality`` since its cursor (or
    ``since``). Returns the number of alert rows written (none twice)."""
    from situation_reports.models import Incident

    now = now or timezone.now()
    with transaction.atomic():
        cursor_since, move = _advance(municipality, Kind.INCIDENTS, now)
        since = since or cursor_since
        subscriptions = list(
            _subscriptions(municipality, Kind.INCIDENTS).prefetch_related("categories", "areas")
        )
        written = 0
        if subscriptions and connection.vendor == "postgresql":
            written = _match_incidents_in_sql(municipality, subscriptions, since, now)
        elif subscriptions:
            candidates = list(
                Incident.objects.filter(municipality=municipality, created_at__gte=since)
                .active()
                .values_list("pk", "category_id", "area_id", "created_at")
            )
            if candidates:
                written = _match_incidents(municipality, subscriptions, candidates, now)
        move()
    return written


def _by_access(municipality, subscriptions):
    """The subscriptions of people with an active membership, grouped by what they may read
    of incidents: ``{sees_restricted: (a membership, [subscription ids])}``. The rule of
    ``Incident.objects.restrict`` reads the municipality and that one thing about the person,
    so it is asked once per value, not once per person."""
    memberships = active_memberships(municipality, {s.user_id for s in subscriptions})
    groups = {}
    for subscription in subscriptions:
        membership = memberships.get(subscription.user_id)
        if membership is None:
            continue
        key = sees_restricted(membership)
        groups.setdefault(key, (membership, []))[1].append(subscription.pk)
    return groups


def _match_incidents_in_sql(municipality, subscriptions, since, now):
    """PostgreSQL: match and write in the database, one ``INSERT … SELECT`` per access group.
    The incidents are ``Incident.objects.restrict(membership)``'s own query (as a subquery),
    joined with the group's subscriptions on their categories and areas (none chosen: all)
    and their creation (only what was logged after the subscription); the pairs the unique
    constraint already has are skipped. An import of 1,000 events for 500 subscriptions is
    some 300,000 rows, which matching in Python and sending as arrays took 10 s to write."""
    from situation_reports.models import Incident

    through = {
        name: Subscription._meta.get_field(name).remote_field.through
        for name in ("categories", "areas")
    }

    def chosen(name, column):
        model = through[name]
        table = connection.ops.quote_name(model._meta.db_table)
        owner = model._meta.get_field("subscription").column
        target = [f for f in model._meta.get_fields() if f.many_to_one and f.name != "subscription"]
        value = target[0].column
        return (
            f"(NOT EXISTS (SELECT 1 FROM {table} c WHERE c.{owner} = s.id)"
            f" OR EXISTS (SELECT 1 FROM {table} c WHERE c.{owner} = s.id"
            f" AND c.{value} = i.{column}))"
        )

    alert_table = connection.ops.quote_name(Alert._meta.db_table)
    subscription_table = connection.ops.quote_name(Subscription._meta.db_table)
    written = 0
    for membership, subscription_ids in _by_access(municipality, subscriptions).values():
        readable = (
            Incident.objects.restrict(membership)
            .filter(municipality=municipality, created_at__gte=since)
            .active()
            .order_by()
            .values_list("pk", "category_id", "area_id", "created_at")
        )
        readable_sql, readable_params = readable.query.sql_with_params()
        sql = (
            f"INSERT INTO {alert_table} (municipality_id, subscription_id, item_key,"
            " incident_id, change, status, created_at, mail_key)"
            " SELECT %s, s.id, 'incident:' || i.id, i.id, '', %s, %s, ''"
            f" FROM {subscription_table} s"
            f" JOIN ({readable_sql}) AS i(id, category_id, area_id, created_at)"
            " ON i.created_at >= s.created_at"
            f" WHERE s.id = ANY(%s) AND {chosen('categories', 'category_id')}"
            f" AND {chosen('areas', 'area_id')}"
            # ``ON CONFLICT``, not ``NOT EXISTS`` (a fifth faster once the tables have
            # statistics, but on a new installation's first import the planner's choice took
            # three minutes): its target is always the unique index.
            " ON CONFLICT (incident_id, subscription_id) WHERE incident_id IS NOT NULL"
            " DO NOTHING"
        )
        params = [municipality.pk, Alert.Status.PENDING, now, *readable_params, subscription_ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written += cursor.rowcount
    return written


def _match_incidents(municipality, subscriptions, candidates, now):
    """Elsewhere than PostgreSQL (a development database): the same match in Python."""
    from situation_reports.models import Incident

    ids = [c[0] for c in candidates]
    by_pk = {s.pk: s for s in subscriptions}
    rows = []
    for membership, subscription_ids in _by_access(municipality, subscriptions).values():
        allowed = set(
            Incident.objects.restrict(membership).filter(pk__in=ids).values_list("pk", flat=True)
        )
        for subscription in (by_pk[pk] for pk in subscription_ids):
            categories = {c.pk for c in subscription.categories.all()}
            areas = {a.pk for a in subscription.areas.all()}
            rows += [
                Alert(
                    municipality=municipality,
                    subscription_id=subscription.pk,
                    item_key=f"incident:{pk}",
                    incident_id=pk,
                    created_at=now,
                )
                for pk, category_id, area_id, created_at in candidates
                if pk in allowed
                and created_at >= subscription.created_at
                and (not categories or category_id in categories)
                and (not areas or area_id in areas)
            ]
    return _write(rows)


def _write(rows):
    """Insert the rows, skipping those the unique constraint already has (a second run, an
    import run twice). Returns how many were offered."""
    if rows:
        Alert.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    return len(rows)


# --- Meetings ----------------------------------------------------------------------------------


def meeting_changed(meeting, changed_fields, now=None):
    """Alert the subscribers to changes of ``meeting``'s body who may see it: its time, place
    or video link changed, or it was cancelled. In the caller's transaction."""
    from meetings.models import Meeting

    now = now or timezone.now()
    cancelled = meeting.status == Meeting.Status.CANCELLED and "status" in changed_fields
    moved = set(changed_fields) & {"start", "end"}
    if not (cancelled or moved or set(changed_fields) & set(MEETING_FIELDS)):
        return 0
    if meeting.pk is None or meeting.end < now:
        return 0
    change = "cancelled" if cancelled else ("moved" if moved else "place")
    subscriptions = [
        s
        for s in _subscriptions(meeting.municipality_id, Kind.MEETING_CHANGES).prefetch_related(
            "bodies"
        )
        if not s.bodies.all() or meeting.body_id in {b.pk for b in s.bodies.all()}
    ]
    memberships = active_memberships(meeting.municipality_id, {s.user_id for s in subscriptions})
    rows = []
    for subscription in subscriptions:
        membership = memberships.get(subscription.user_id)
        if membership is None:
            continue
        if not Meeting.objects.restrict(membership).filter(pk=meeting.pk).exists():
            continue
        rows.append(
            Alert(
                municipality_id=meeting.municipality_id,
                subscription=subscription,
                item_key=f"meeting:{meeting.pk}:{meeting.sequence}",
                meeting=meeting,
                change=change,
                created_at=now,
            )
        )
    return _write(rows)


# --- Reports and actions -----------------------------------------------------------------------


def is_reviewer(report, membership):
    from situation_reports import permissions

    return permissions.can_approve(report, membership) or permissions.can_comment(
        report, membership
    )


def build_review_alerts(municipality, now=None):
    """Alerts of the lägesbilder put in review since the cursor, for their reviewers."""
    from situation_reports.models import SituationReport

    now = now or timezone.now()
    with transaction.atomic():
        since, move = _advance(municipality, Kind.REVIEW, now)
        subscriptions = list(_subscriptions(municipality, Kind.REVIEW))
        rows = []
        reports = []
        if subscriptions:
            reports = list(
                SituationReport.objects.filter(
                    municipality=municipality,
                    status=SituationReport.Status.IN_REVIEW,
                    submitted_at__gte=since,
                    superseded_by__isnull=True,
                ).select_related("municipality")
            )
        if reports:
            memberships = active_memberships(municipality, {s.user_id for s in subscriptions})
            for subscription in subscriptions:
                membership = memberships.get(subscription.user_id)
                if membership is None:
                    continue
                readable = set(
                    SituationReport.objects.restrict(membership)
                    .filter(pk__in=[r.pk for r in reports])
                    .values_list("pk", flat=True)
                )
                for report in reports:
                    if (
                        report.pk in readable
                        and report.submitted_at >= subscription.created_at
                        and is_reviewer(report, membership)
                    ):
                        rows.append(
                            Alert(
                                municipality=municipality,
                                subscription=subscription,
                                item_key=f"report:{report.pk}:{report.submitted_at:%Y%m%d%H%M%S}",
                                report=report,
                                created_at=now,
                            )
                        )
        written = _write(rows)
        move()
    return written


def reviewers_subscribed(municipality_id, user_ids):
    """Of ``user_ids``, those who hear of reports in review through a subscription (so the
    "ready for review" mail leaves them out)."""
    return set(
        Subscription.objects.active()
        .filter(municipality_id=municipality_id, kind=Kind.REVIEW, user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )


def build_late_action_alerts(municipality, today=None, now=None):
    """Alerts of the subscribers' own late actions: agreement actions they lead, meeting
    action items they own."""
    from councils.models import Action
    from meetings.models import ActionItem

    today = today or timezone.localdate()
    now = now or timezone.now()
    subscriptions = list(_subscriptions(municipality, Kind.LATE_ACTIONS))
    if not subscriptions:
        return 0
    memberships = active_memberships(municipality, {s.user_id for s in subscriptions})
    rows = []
    for subscription in subscriptions:
        membership = memberships.get(subscription.user_id)
        if membership is None:
            continue
        actions = (
            Action.objects.restrict(membership)
            .late(today)
            .filter(lead=membership.user)
            .values_list("pk", "due_date")
        )
        rows += [
            Alert(
                municipality=municipality,
                subscription=subscription,
                item_key=f"action:{pk}:{due:%Y%m%d}",
                action_id=pk,
                created_at=now,
            )
            for pk, due in actions
        ]
        items = (
            ActionItem.objects.restrict(membership)
            .open()
            .filter(owner=membership.user, due_date__lt=today)
            .values_list("pk", "due_date")
        )
        rows += [
            Alert(
                municipality=municipality,
                subscription=subscription,
                item_key=f"action-item:{pk}:{due:%Y%m%d}",
                action_item_id=pk,
                created_at=now,
            )
            for pk, due in items
        ]
    return _write(rows)


# --- The sweep ---------------------------------------------------------------------------------


def sweep(now=None):
    """Beat, every minute: build every kind of alert in every municipality, then queue the
    mails of the immediate subscriptions. Returns the outbox ids queued."""
    from councils.models import Municipality

    now = now or timezone.now()
    with scopes_disabled():  # which municipalities have subscriptions: the sweep's list
        municipality_ids = set(
            Subscription.objects.active().values_list("municipality_id", flat=True)
        )
    ids = []
    for municipality in each_municipality(Municipality.objects.filter(pk__in=municipality_ids)):
        build_incident_alerts(municipality, now=now)
        build_review_alerts(municipality, now=now)
        build_late_action_alerts(municipality, now=now)
        ids += queue_mails(municipality, Frequency.IMMEDIATE, now=now)
    return ids


def send_digests(frequency, now=None):
    """Beat (daily, weekly): queue the digests of ``frequency``. Returns the outbox ids."""
    from councils.models import Municipality

    now = now or timezone.now()
    with scopes_disabled():  # which municipalities have pending alerts
        municipality_ids = set(Alert.objects.pending().values_list("municipality_id", flat=True))
    ids = []
    for municipality in each_municipality(Municipality.objects.filter(pk__in=municipality_ids)):
        ids += queue_mails(municipality, frequency, now=now)
    return ids


# --- Mails -------------------------------------------------------------------------------------


def unsubscribe_token(user_id, subscription_ids):
    return signing.dumps(
        {"u": user_id, "s": sorted(subscription_ids)}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def read_unsubscribe_token(token):
    """``(user id, [subscription ids])``, or None for a token that is not ours."""
    try:
        value = signing.loads(str(token), salt=UNSUBSCRIBE_SALT)
        user_id = int(value["u"])
        ids = [int(pk) for pk in value["s"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return user_id, ids


def unsubscribe(token):
    """Pause the subscriptions the token names (those still the person's). Returns them, or
    None for a bad token."""
    found = read_unsubscribe_token(token)
    if found is None:
        return None
    user_id, ids = found
    # The token names its subscriptions, in whichever municipality: found across scopes.
    with scopes_disabled():
        subscriptions = list(
            Subscription.objects.filter(pk__in=ids, user_id=user_id).select_related("municipality")
        )
        Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(
            is_active=False, updated_at=timezone.now()
        )
    return subscriptions


def site_url(path):
    return settings.SITE_URL.rstrip("/") + path


def queue_mails(municipality, frequency, now=None):
    """One mail per person of the pending alerts of their active subscriptions of
    ``frequency`` in ``municipality``. Returns the outbox ids (the caller delivers them)."""
    now = now or timezone.now()
    user_ids = set(
        Alert.objects.pending()
        .filter(
            municipality=municipality,
            subscription__frequency=frequency,
            subscription__is_active=True,
        )
        .values_list("subscription__user_id", flat=True)
    )
    memberships = active_memberships(municipality, user_ids)
    ids = []
    for user_id in sorted(user_ids):
        ids += _queue_one(municipality, frequency, user_id, memberships.get(user_id), now)
    return ids


def _queue_one(municipality, frequency, user_id, membership, now):
    with transaction.atomic():
        # Plain values, not model instances: a digest may hold a thousand alerts.
        alerts = [
            SimpleNamespace(**row)
            for row in Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .pending()
            .filter(
                municipality=municipality,
                subscription__user_id=user_id,
                subscription__frequency=frequency,
                subscription__is_active=True,
            )
            .order_by("pk")
            .values(*ALERT_FIELDS, kind=F("subscription__kind"))
        ]
        if not alerts:
            return []
        user = membership.user if membership else None
        if membership is None or not user.email:
            # Membership ended (or no address): nothing is sent, now or later.
            _mark([a.pk for a in alerts], Alert.Status.SKIPPED)
            return []
        sections, shown = _sections(alerts, membership)
        skipped = [a.pk for a in alerts if a.pk not in shown]
        if skipped:
            _mark(skipped, Alert.Status.SKIPPED)
        if not shown:
            return []
        key = f"alerts:{min(shown)}"
        subscription_ids = {a.subscription_id for a in alerts if a.pk in shown}
        mail = _mail(municipality, frequency, user, sections, subscription_ids)
        queued = outbox.queue(key, [mail])
        _mark(list(shown), Alert.Status.QUEUED, key)
        return queued


def _mark(ids, status, mail_key=""):
    """Set the status (and mail) of the alerts ``ids``: on PostgreSQL with one array parameter
    (a digest may hold a thousand alerts; an ``IN`` list of a thousand parameters cost more to
    send than to update)."""
    if connection.vendor != "postgresql":
        Alert.objects.filter(pk__in=ids).update(status=status, mail_key=mail_key)
        return
    table = connection.ops.quote_name(Alert._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, mail_key = %s WHERE id = ANY(%s)",
            [status, mail_key, list(ids)],
        )


def _sections(alerts, membership):
    """The mail's sections, each item read again through the recipient's own querysets (what
    they may read now), and the ids of the alerts shown."""
    from councils.models import Action
    from meetings.models import ActionItem, Meeting
    from situation_reports.models import Incident, SituationReport

    by_kind = defaultdict(list)
    for alert in alerts:
        by_kind[alert.kind].append(alert)
    shown = set()
    sections = []
    slug = membership.municipality.slug

    def readable(queryset, field, items):
        ids = [getattr(a, f"{field}_id") for a in items]
        return {o.pk: o for o in queryset.filter(pk__in=ids)}

    for kind in Kind.values:
        items = by_kind.get(kind, [])
        if not items:
            continue
        lines = []
        if kind == Kind.INCIDENTS:
            # Which may be read, for all of them; the lines only for those the mail lists.
            allowed = set(
                Incident.objects.restrict(membership)
                .active()
                .filter(pk__in=[a.incident_id for a in items])
                .values_list("pk", flat=True)
            )
            listed = [a for a in items if a.incident_id in allowed]
            shown.update(a.pk for a in listed)
            found = readable(
                Incident.objects.select_related("category", "area"),
                "incident",
                listed[:MAIL_ITEMS],
            )
            lines = [_incident_line(found[a.incident_id], slug) for a in listed[:MAIL_ITEMS]]
            if listed:
                sections.append({"kind": kind, "lines": lines, "count": len(listed)})
            continue
        elif kind == Kind.MEETING_CHANGES:
            found = readable(
                Meeting.objects.restrict(membership).select_related("body"), "meeting", items
            )
            for alert in items:
                meeting = found.get(alert.meeting_id)
                if meeting is not None:
                    shown.add(alert.pk)
                    lines.append(_meeting_line(meeting, alert.change, slug))
        elif kind == Kind.REVIEW:
            found = readable(
                SituationReport.objects.restrict(membership)
                .filter(status=SituationReport.Status.IN_REVIEW)
                .select_related("municipality"),
                "report",
                items,
            )
            for alert in items:
                report = found.get(alert.report_id)
                if report is not None and is_reviewer(report, membership):
                    shown.add(alert.pk)
                    lines.append(
                        {"text": report.display_title, "url": site_url(report.get_absolute_url())}
                    )
        elif kind == Kind.LATE_ACTIONS:
            actions = readable(
                Action.objects.restrict(membership)
                .open()
                .select_related("focus_area__agreement__municipality"),
                "action",
                [a for a in items if a.action_id],
            )
            action_items = readable(
                ActionItem.objects.restrict(membership).open().select_related("meeting"),
                "action_item",
                [a for a in items if a.action_item_id],
            )
            for alert in items:
                action = actions.get(alert.action_id) if alert.action_id else None
                item = action_items.get(alert.action_item_id) if alert.action_item_id else None
                if action is not None:
                    shown.add(alert.pk)
                    lines.append(
                        _late_line(action.title, action.due_date, action.get_absolute_url())
                    )
                elif item is not None:
                    shown.add(alert.pk)
                    lines.append(
                        _late_line(
                            item.what,
                            item.due_date,
                            reverse(
                                "meetings:meeting-detail",
                                kwargs={"municipality": slug, "pk": item.meeting_id},
                            ),
                        )
                    )
        if lines:
            sections.append({"kind": kind, "lines": lines, "count": len(lines)})
    return sections, shown


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _incident_line(incident, slug):
    parts = [str(incident.category), _date(incident.occurred_on)]
    if incident.area_id:
        parts.append(str(incident.area))
    return {
        "text": ", ".join(parts),
        "url": site_url(
            reverse(
                "situation_reports:incident-detail",
                kwargs={"municipality": slug, "pk": incident.pk},
            )
        ),
    }


def _meeting_line(meeting, change, slug):
    when = formats.date_format(timezone.localtime(meeting.start), "DATETIME_FORMAT")
    what = {
        "cancelled": pgettext("meeting change", "cancelled"),
        "moved": _("new time"),
        "place": _("new place or link"),
    }.get(change, _("changed"))
    text = f"{meeting.title}, {when}: {what}"
    if change != "cancelled" and meeting.place:
        text += f" ({meeting.place})"
    return {
        "text": text,
        "url": site_url(
            reverse("meetings:meeting-detail", kwargs={"municipality": slug, "pk": meeting.pk})
        ),
    }


def _late_line(title, due, path):
    return {
        "text": _("%(title)s, due %(date)s") % {"title": title, "date": _date(due)},
        "url": site_url(path),
    }


def _mail(municipality, frequency, user, sections, subscription_ids):
    token = unsubscribe_token(user.pk, subscription_ids)
    unsubscribe_url = site_url(reverse("unsubscribe", kwargs={"token": token}))
    manage_url = site_url(reverse("subscription-list", kwargs={"municipality": municipality.slug}))
    # The project stores no language per person: the installation's (Swedish).
    with translation.override(settings.LANGUAGE_CODE):
        titles = dict(Kind.choices)
        total = 0
        for section in sections:
            section["title"] = str(titles[section["kind"]]).capitalize()
            section["more"] = max(0, section["count"] - MAIL_ITEMS)
            total += section["count"]
            section["lines"] = section["lines"][:MAIL_ITEMS]
        subject = {
            Frequency.IMMEDIATE: _("Trygghet: %(count)s new for you in %(municipality)s"),
            Frequency.DAILY: _("Trygghet: your daily digest for %(municipality)s (%(count)s)"),
            Frequency.WEEKLY: _("Trygghet: your weekly digest for %(municipality)s (%(count)s)"),
        }[frequency] % {"count": total, "municipality": municipality.name}
        context = {
            "user": user,
            "municipality": municipality,
            "sections": sections,
            "manage_url": manage_url,
            "unsubscribe_url": unsubscribe_url,
        }
        body = render_to_string("trygghet/email/alerts.txt", context)
        html = render_to_string("trygghet/email/alerts.html", context)
    return outbox.Mail(
        user.email,
        subject,
        body,
        html,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
