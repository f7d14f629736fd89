"""Incident workflows: plain functions used by views, imports, tasks and the demo alike."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from councils.models import Area
from trygghet import audit

from .models import Incident, IncidentAccessLog

DUPLICATE_WINDOW = datetime.timedelta(hours=2)


def possible_duplicates(incident, membership):
    """Incidents of the same category and area within two hours of this one (not itself, not
    withdrawn). Without a start time, the same date and part of day count as "within".

    Only among the incidents ``membership`` may read: the warning lists date, place and text,
    so a partner logging what matches a restricted incident must learn nothing of it (issue 9;
    sweeping category × area × day would otherwise disclose every restricted incident)."""
    qs = (
        Incident.objects.restrict(membership)
        .filter(
            municipality_id=incident.municipality_id,
            category_id=incident.category_id,
            area_id=incident.area_id,
        )
        .active()
        .select_related("category", "area")
    )
    if incident.pk:
        qs = qs.exclude(pk=incident.pk)
    if incident.started_at is not None:
        start = incident.started_at - DUPLICATE_WINDOW
        end = (incident.ended_at or incident.started_at) + DUPLICATE_WINDOW
        same_time = Q(started_at__gte=start, started_at__lte=end)
        if incident.part_of_day:
            same_time |= Q(
                started_at__isnull=True,
                occurred_on=incident.occurred_on,
                part_of_day=incident.part_of_day,
            )
        return qs.filter(same_time)
    return qs.filter(occurred_on=incident.occurred_on).filter(
        Q(part_of_day=incident.part_of_day) | Q(part_of_day="") if incident.part_of_day else Q()
    )


def last_area_used(membership):
    """The area of the last incident this user logged in the municipality (a form default)."""
    if membership.pk is None:
        return None
    # Among what the member may read: not the place of a restricted incident they logged.
    area_id = (
        Incident.objects.restrict(membership)
        .filter(created_by=membership.user, area__isnull=False)
        .order_by("-created_at")
        .values_list("area_id", flat=True)
        .first()
    )
    if area_id is None:
        return None
    return Area.objects.filter(pk=area_id, is_active=True).first()


def withdraw(incident, user, reason):
    """Withdraw an incident (never delete it). The reason and who did it are kept, and the
    change is part of the incident's history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A reason is required to withdraw an incident.")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.is_withdrawn:
            return incident
        incident.status = Incident.Status.WITHDRAWN
        incident.withdrawn_reason = reason
        incident.withdrawn_at = timezone.now()
        incident.withdrawn_by = user
        incident._change_reason = reason
        incident.save()
    return incident


def record_confidentiality(incident, old, *, actor=None, request=None):
    """Record in the audit trail that the incident's confidentiality changed from ``old``
    (nothing when it did not): it decides whether private companies see the incident."""
    if old == incident.confidentiality:
        return None
    return audit.record(
        incident.municipality_id,
        audit.Action.CONFIDENTIALITY_CHANGED,
        incident,
        old={"confidentiality": old},
        new={"confidentiality": incident.confidentiality},
        actor=actor,
        request=request,
    )


def log_access(incident, user):
    """Record that the user read a restricted incident (open ones are not logged)."""
    if incident.is_restricted:
        return IncidentAccessLog.objects.create(incident=incident, user=user)
    return None


def log_bulk_access(queryset, user):
    """Record that the user read every restricted incident of the set (an export)."""
    ids = queryset.filter(confidentiality=Incident.Confidentiality.RESTRICTED).values_list(
        "pk", flat=True
    )
    now = timezone.now()
    IncidentAccessLog.objects.bulk_create(
        [IncidentAccessLog(incident_id=pk, user=user, accessed_at=now) for pk in ids.iterator()],
        batch_size=1000,
    )


def history_entries(incident, membership):
    """The incident's history as ``membership`` may see it, newest first: who, when, what
    changed (field, old, new).

    Whoever may not read restricted data sees only the records saved while the incident was
    open (issue 9): an incident logged as restricted and opened after redaction keeps its
    original text and place in the restricted records. The first open record after restricted
    ones is shown as "opened", without a comparison (its old side is restricted) and without
    its reason (which explains that comparison).
    """
    records = list(incident.history.select_related("history_user").order_by("history_date"))
    sees_all = membership.can_read_restricted
    entries = []
    previous = None
    after_restricted = False
    for record in records:
        if not sees_all and record.confidentiality == Incident.Confidentiality.RESTRICTED:
            after_restricted = True
            continue
        opened, after_restricted = after_restricted, False
        changes = []
        if previous is not None and not opened:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = Incident._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(record, field, change.old),
                        "new": _display(record, field, change.new),
                    }
                )
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": record.history_type,
                "reason": "" if opened else record.history_change_reason,
                "changes": changes,
                "opened": opened,
            }
        )
        previous = record
    entries.reverse()
    return entries


def _display(record, field, value):
    if value in (None, ""):
        return "–"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation:
        model = field.related_model
        obj = model._default_manager.filter(pk=value).first()
        return str(obj) if obj else value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value
