"""Retention by decision (gallring, issue 17): what a municipality's retention decision thins,
and doing it.

- ``plan(decision, today)``: what would go, per rule: how many (and of them restricted), the
  first day kept, a few examples. Changes nothing and logs nothing.
- ``apply(decision, today, dry_run=False)``: applies every rule of the decision and writes one
  ``RetentionRun`` per rule (the log). A dry run logs what would go and changes nothing.

How each record type is thinned (``models.retention.ALLOWED_ACTIONS``):

- **incidents** are *anonymised*, never deleted: description, place, exact position, who logged
  and withdrew it (and why) are cleared, in the incident and in its change history, and its
  photos are deleted (the files through the storage); date, time, category, area, severity,
  confidentiality, status and source stay, so every count stays as it was. ``anonymised_at`` is
  set, so an incident is processed once.
- **photos of incidents** are deleted (row and file) once their incident is older than the rule.
- **the audit trail and access logs** are deleted: the municipality's audit events, who read its
  restricted incidents, and the login records (django-axes) of people who belong to this
  municipality only (a login record is the installation's, not one municipality's: a person of
  two municipalities keeps theirs until an operator clears them, ``axes_reset_logs``).
- **personal data of people who left**: a person with no active role anywhere, no current seat
  and no regional role, not an operator (staff), last seen (login, joined, or the latest audit
  event about them, whichever is newest) before the rule's period, is made a "former user":
  name, e-mail and phone cleared, the user name ``former-user-<id>``, password unusable,
  deactivated. The row stays, so minutes, incidents and the trail that name them still hold.
- **archival records** (approved situation reports, minutes, action plans, decisions) are
  official records: the application never deletes one. A rule for them (only with an explicit
  confirmation) is recorded, and the dry run and the log say how many are past its period,
  for the registrar to transfer or thin through the archive.

Every batch of a rule runs in its own transaction: a run that crashes leaves whole batches done
and nothing half-written, and the next run (the same day, or a second worker at the same
time: ``skip_locked``) finds only what is left. "Older than N months" is
``models.retention.cutoff``: a record dated before that day (in Stockholm) goes.
"""

import logging
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import DateTimeField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from councils.models import Membership, MunicipalityMembership
from trygghet import audit
from trygghet.limits import EARLIEST_DATE
from trygghet.models import AuditEvent, Photo
from trygghet.tenancy import municipality_scope, scopes_disabled

from ..models import (
    ActionPlan,
    Decision,
    Incident,
    IncidentAccessLog,
    RecordType,
    RegionalRole,
    RetentionDecision,
    RetentionRule,
    RetentionRun,
    SituationReport,
)
from ..models.retention import cutoff_moment

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
SAMPLE_SIZE = 5
FORMER_USER_PREFIX = "former-user-"

RESTRICTED = Incident.Confidentiality.RESTRICTED


@dataclass
class RulePlan:
    """What one rule would thin as of a day."""

    rule: object
    cutoff: object
    count: int = 0
    restricted_count: int = 0
    sample: list = field(default_factory=list)
    note: str = ""

    def count_for(self, membership):
        from trygghet.tenancy import sees_restricted

        return self.count if sees_restricted(membership) else self.count - self.restricted_count


# --- What each record type finds ----------------------------------------------------------------


def _incidents(rule, municipality, today):
    qs = Incident.objects.in_municipality(municipality).filter(
        occurred_on__lt=rule.cutoff(today), anonymised_at=None
    )
    return qs.filter(source=rule.source) if rule.source else qs


def _photos(rule, municipality, today):
    return Photo.objects.in_municipality(municipality).filter(
        incident__isnull=False, incident__occurred_on__lt=rule.cutoff(today)
    )


def _access_logs(rule, municipality, today):
    """The logs this rule clears: (label, queryset) each."""
    moment = cutoff_moment(today, rule.months)
    usernames = _own_usernames(municipality)
    return [
        (_("audit events"), AuditEvent.objects.in_municipality(municipality).filter(at__lt=moment)),
        (
            _("reads of restricted incidents"),
            IncidentAccessLog.objects.filter(
                incident__municipality=municipality, accessed_at__lt=moment
            ),
        ),
        *[
            (label, model.objects.filter(username__in=usernames, attempt_time__lt=moment))
            for label, model in (
                (_("logins"), AccessLog),
                (_("failed logins"), AccessFailureLog),
                (_("login attempts"), AccessAttempt),
            )
        ],
    ]


def _own_usernames(municipality):
    """The user names of people who have (had) a role in this municipality and in no other.
    Who belongs where is read across municipalities: deliberately unscoped."""
    with scopes_disabled():
        here = MunicipalityMembership.objects.filter(municipality=municipality).values("user")
        elsewhere = MunicipalityMembership.objects.exclude(municipality=municipality).values("user")
        return list(
            get_user_model()
            .objects.filter(pk__in=here)
            .exclude(pk__in=elsewhere)
            .values_list("username", flat=True)
        )


def _former_users(rule, municipality, today):
    """People of this municipality who left everywhere more than the rule's period ago.
    Whether someone is active elsewhere is read across municipalities: deliberately unscoped."""
    moment = cutoff_moment(today, rule.months)
    User = get_user_model()
    with scopes_disabled():
        here = Q(
            pk__in=MunicipalityMembership.objects.filter(municipality=municipality).values("user")
        ) | Q(
            pk__in=AuditEvent.objects.filter(
                municipality=municipality, person__isnull=False
            ).values("person")
        )
        latest_event = Subquery(
            AuditEvent.objects.filter(person=OuterRef("pk")).order_by("-at").values("at")[:1],
            output_field=DateTimeField(),
        )
        # Built here, evaluated later (each batch anew): the subqueries stay unscoped.
        return (
            User.objects.filter(here)
            .filter(is_staff=False, is_superuser=False)
            .exclude(username__startswith=FORMER_USER_PREFIX)
            .exclude(pk__in=MunicipalityMembership.objects.filter(is_active=True).values("user"))
            .exclude(pk__in=Membership.objects.current().values("user"))
            .exclude(pk__in=RegionalRole.objects.filter(ended_at=None).values("user"))
            .annotate(
                last_seen=Greatest(
                    "date_joined",
                    Coalesce("last_login", "date_joined"),
                    Coalesce(latest_event, "date_joined"),
                )
            )
            .filter(last_seen__lt=moment)
        )


def _archival(rule, municipality, today):
    moment = cutoff_moment(today, rule.months)
    day = rule.cutoff(today)
    from meetings.models import MinutesVersion

    return {
        RecordType.APPROVED_REPORTS: SituationReport.objects.in_municipality(municipality)
        .approved()
        .filter(approved_at__lt=moment),
        RecordType.MINUTES: MinutesVersion.objects.filter(
            meeting__municipality=municipality, approved_at__lt=moment
        ),
        RecordType.ACTION_PLANS: ActionPlan.objects.in_municipality(municipality).filter(
            decision_date__lt=day
        ),
        RecordType.DECISIONS: Decision.objects.in_municipality(municipality).filter(date__lt=day),
    }[rule.record_type]


ARCHIVAL_NOTE = gettext_noop(
    "Archival records are never thinned by the application: %(count)s past the period, "
    "to transfer or thin through the archive."
)


# --- Plan: what would go ------------------------------------------------------------------------


def plan(decision, today=None, membership=None):
    """What the decision would thin as of ``today``: a ``RulePlan`` per rule. The examples
    leave out what ``membership`` may not read (restricted incidents for a private company)."""
    today = today or timezone.localdate()
    municipality = decision.municipality
    with municipality_scope(municipality):
        return [_plan_rule(rule, municipality, today, membership) for rule in decision.rules.all()]


def _plan_rule(rule, municipality, today, membership):
    result = RulePlan(rule=rule, cutoff=rule.cutoff(today))
    kind = rule.record_type
    if kind == RecordType.INCIDENTS:
        qs = _incidents(rule, municipality, today)
        result.count = qs.count()
        result.restricted_count = qs.filter(confidentiality=RESTRICTED).count()
        shown = qs.restrict(membership) if membership is not None else qs.none()
        result.sample = [
            _incident_label(incident)
            for incident in shown.select_related("category", "area").order_by("occurred_on", "pk")[
                :SAMPLE_SIZE
            ]
        ]
    elif kind == RecordType.INCIDENT_PHOTOS:
        qs = _photos(rule, municipality, today)
        result.count = qs.count()
        result.restricted_count = qs.filter(incident__confidentiality=RESTRICTED).count()
    elif kind == RecordType.ACCESS_LOG:
        for label, qs in _access_logs(rule, municipality, today):
            number = qs.count()
            result.count += number
            result.sample.append(f"{label}: {formats.number_format(number)}")
    elif kind == RecordType.FORMER_USERS:
        qs = _former_users(rule, municipality, today)
        result.count = qs.count()
        result.sample = [str(user) for user in qs.order_by("pk")[:SAMPLE_SIZE]]
    else:
        result.count = _archival(rule, municipality, today).count()
        result.note = _(ARCHIVAL_NOTE) % {"count": formats.number_format(result.count)}
    return result


def _incident_label(incident):
    parts = [formats.date_format(incident.occurred_on, "SHORT_DATE_FORMAT"), str(incident.category)]
    if incident.area_id:
        parts.append(str(incident.area))
    return ", ".join(parts)


# --- Apply --------------------------------------------------------------------------------------


def current_decision(municipality, today=None):
    with municipality_scope(municipality):
        return RetentionDecision.objects.current(municipality, today)


def apply(decision, today=None, dry_run=False):
    """Apply every rule of ``decision`` as of ``today`` (or, with ``dry_run``, count what would
    go): one ``RetentionRun`` per rule, written when the rule is done. A rule that fails is
    logged with its error (what its finished batches did stays done) and the others still run.
    Returns the runs."""
    today = today or timezone.localdate()
    municipality = decision.municipality
    runs = []
    with municipality_scope(municipality):
        for rule in decision.rules.all():
            started = timezone.now()
            count = restricted = 0
            note = error = ""
            try:
                if dry_run or rule.is_archival:
                    planned = _plan_rule(rule, municipality, today, None)
                    count, restricted, note = (
                        planned.count,
                        planned.restricted_count,
                        planned.note,
                    )
                    if rule.is_archival and not dry_run:
                        count, note = 0, planned.note
                else:
                    count, restricted = APPLY[rule.record_type](rule, municipality, today)
            except Exception as exc:  # logged on the run, and in the log for the operators
                logger.exception("retention rule %s of %s failed", rule.pk, municipality)
                error = f"{type(exc).__name__}: {exc}"[:2000]
            runs.append(
                RetentionRun.objects.create(
                    municipality=municipality,
                    decision=decision,
                    rule=rule,
                    record_type=rule.record_type,
                    dry_run=dry_run,
                    as_of=today,
                    # A rule of a hundred years reaches before the dates Trygghet stores
                    # (``trygghet.limits``): nothing is older than their first day either.
                    cutoff=max(rule.cutoff(today), EARLIEST_DATE),
                    started_at=started,
                    finished_at=timezone.now(),
                    count=count,
                    restricted_count=min(restricted, count),
                    note=note,
                    error=error,
                )
            )
    return runs


def _in_batches(queryset, work):
    """Run ``work(pks)`` on batches of ``queryset``'s rows, each locked and in a transaction
    of its own, until none is left. Returns the sum of what ``work`` returns (pairs)."""
    total = [0, 0]
    seen = set()
    while True:
        with transaction.atomic():
            pks = list(
                queryset.order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not pks:
                return tuple(total)
            if seen.intersection(pks):  # a row the work left a candidate: never loop on it
                raise RuntimeError(f"{queryset.model.__name__} rows were found twice")
            seen.update(pks)
            done, restricted = work(pks)
        total[0] += done
        total[1] += restricted


def _delete_photos(photos):
    """Delete the photo rows; their files go once the transaction has committed."""
    names = [name for name in photos.values_list("file", flat=True) if name]
    storage = Photo._meta.get_field("file").storage
    photos.delete()
    for name in names:
        transaction.on_commit(lambda name=name: storage.delete(name))


def _anonymise_incidents(rule, municipality, today):
    def work(pks):
        rows = Incident.objects.filter(pk__in=pks)
        restricted = rows.filter(confidentiality=RESTRICTED).count()
        cleared = {
            "description": "",
            "place": "",
            "latitude": None,
            "longitude": None,
            "created_by": None,
            "withdrawn_by": None,
            "withdrawn_reason": "",
        }
        done = rows.update(**cleared, anonymised_at=timezone.now())
        # The change history holds every earlier version of the same text.
        Incident.history.model.objects.filter(id__in=pks).update(**cleared)
        _delete_photos(Photo.objects.filter(incident_id__in=pks))
        return done, restricted

    return _in_batches(_incidents(rule, municipality, today), work)


def _delete_incident_photos(rule, municipality, today):
    def work(pks):
        photos = Photo.objects.filter(pk__in=pks)
        restricted = photos.filter(incident__confidentiality=RESTRICTED).count()
        count = photos.count()
        _delete_photos(photos)
        return count, restricted

    return _in_batches(_photos(rule, municipality, today), work)


def _delete_access_logs(rule, municipality, today):
    total = 0
    for _label, qs in _access_logs(rule, municipality, today):
        model = qs.model

        def work(pks, model=model):
            rows = model._default_manager.filter(pk__in=pks)
            if model is AuditEvent:
                return rows.delete_for_retention(), 0
            return rows.delete()[1].get(model._meta.label, 0), 0

        total += _in_batches(qs, work)[0]
    return total, 0


def _anonymise_former_users(rule, municipality, today):
    User = get_user_model()
    candidates = _former_users(rule, municipality, today)

    def work(pks):
        for pk in pks:
            User.objects.filter(pk=pk).update(
                username=f"{FORMER_USER_PREFIX}{pk}",
                first_name="",
                last_name="",
                email="",
                phone="",
                password=make_password(None),
                is_active=False,
            )
        return len(pks), 0

    return _in_batches(candidates, work)


APPLY = {
    RecordType.INCIDENTS: _anonymise_incidents,
    RecordType.INCIDENT_PHOTOS: _delete_incident_photos,
    RecordType.ACCESS_LOG: _delete_access_logs,
    RecordType.FORMER_USERS: _anonymise_former_users,
}


def apply_current_decisions(today=None):
    """The beat's daily sweep: the current decision of each municipality that has one (none:
    nothing happens there). Returns {municipality id: number thinned}."""
    from councils.models import Municipality

    done = {}
    for municipality in Municipality.objects.all():
        decision = current_decision(municipality, today)
        if decision is not None:
            runs = apply(decision, today)
            done[municipality.pk] = sum(run.count for run in runs if not run.rule.is_archival)
    return done


# --- Recording a decision -----------------------------------------------------------------------


def record_decision(municipality, data, user=None, request=None):
    """Record a decision (a form's ``cleaned_data``: the decision's fields and ``rules``) as
    the municipality's next version; the earlier versions stay as they were."""
    with municipality_scope(municipality), transaction.atomic():
        # One writer at a time per municipality: the version numbers follow each other.
        type(municipality).objects.select_for_update().get(pk=municipality.pk)
        latest = (
            RetentionDecision.objects.in_municipality(municipality).order_by("-version").first()
        )
        decision = RetentionDecision.objects.create(
            municipality=municipality,
            decided_by=data["decided_by"],
            decided_on=data["decided_on"],
            reference=data["reference"],
            valid_from=data["valid_from"],
            version=(latest.version + 1) if latest else 1,
            supersedes=latest,
            created_by=user if user is not None and user.pk else None,
        )
        RetentionRule.objects.bulk_create(
            RetentionRule(decision=decision, **rule) for rule in data["rules"]
        )
        audit.record(
            municipality,
            audit.Action.RETENTION_DECIDED,
            decision,
            new={
                "version": decision.version,
                "decided_by": decision.decided_by,
                "decided_on": decision.decided_on.isoformat(),
                "reference": decision.reference,
                "valid_from": decision.valid_from.isoformat(),
                "rules": len(data["rules"]),
            },
            actor=decision.created_by,
            request=request,
        )
    return decision
