"""Who reads what a municipality shares (``situation_reports.models.sharing``), and the shared
figures themselves.

**The reach of a reader.** A person reads, beyond the municipalities where they are a member:

- what a municipality shares with one of their *own* municipalities (a neighbour's consent),
  with the municipalities of the county one of theirs lies in, or with the organisation they
  represent there (a police area serving several municipalities);
- what a municipality shares with its county, when it granted them a regional role.

Only memberships that may read beyond the level of a private company count: a member of a
housing or security company never reads another municipality's figures through its
membership. What is shared is always the public level: counts of **open** incidents (never a
restricted one, whoever reads), the public summaries of approved lägesbilder, and lägesbilder
shared one by one (``ReportShare``) at their public level.

This module is the one place that reads consents across municipalities
(``scopes_disabled``): a consent is stored with the municipality that gives it, and the reader
is by definition somewhere else. Everything it returns is what those consents allow and no
more; every other row of another municipality stays 404.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from councils.models import Municipality, MunicipalityMembership
from trygghet import audit
from trygghet.tenancy import PARTNER, municipality_scope

from ..models import (
    Incident,
    IncidentCategory,
    PublicSummary,
    RegionalRole,
    ReportShare,
    Sharing,
    SituationReport,
)

MONTHS = 12


class PublicLevelReader:
    """The reader of what is shared: the figures of open incidents, numbers only (no places,
    no incident's details), like a partner's member (``permissions.detail_level``). Stands in
    for a membership where a report is presented."""

    role = PARTNER
    can_read_restricted = False
    is_manager = False
    is_admin = False
    organisation = None


PUBLIC_LEVEL = PublicLevelReader()


class SharingRefused(Exception):
    """A sharing the rules do not allow; its message is for the user."""


# --- Who reads what ------------------------------------------------------------------------------


def reads_beyond_itself(membership):
    """May this membership read what others share? Not a private company's (GDPR art. 10 is
    about restricted data, but a neighbour's consent is given to public bodies, not to the
    companies its neighbour works with)."""
    if not membership.is_active:
        return False
    if membership.organisation_id is not None:
        return membership.organisation.is_public_authority
    return membership.role != PARTNER


@dataclass
class Access:
    """What one municipality lets the reader see, and why (``via``: whose consent)."""

    municipality: Municipality
    member: bool = False
    figures: bool = False
    summaries: bool = False
    via: list = field(default_factory=list)

    @property
    def anything(self):
        return self.member or self.figures or self.summaries


def _memberships(user):
    with scopes_disabled():
        return [
            m
            for m in MunicipalityMembership.objects.filter(user=user, is_active=True)
            .select_related("organisation", "municipality")
            .order_by("municipality__name")
            if reads_beyond_itself(m)
        ]


def reach(user):
    """{municipality id: ``Access``} of every municipality whose figures this user may read:
    their own (as a member) and those that share with them. Ordered by name."""
    if not user.is_authenticated:
        return {}
    own = _memberships(user)
    result = {m.municipality_id: Access(m.municipality, member=True) for m in own}
    own_ids = [m.municipality_id for m in own]
    counties = {m.municipality.county for m in own if m.municipality.county}
    organisations = {m.organisation_id for m in own if m.organisation_id}
    with scopes_disabled():
        granted = set(
            RegionalRole.objects.filter(user=user, ended_at=None).values_list(
                "municipality_id", flat=True
            )
        )
        sharings = (
            Sharing.objects.filter(
                Q(recipient=Sharing.Recipient.MUNICIPALITY, partner_id__in=own_ids)
                | Q(recipient=Sharing.Recipient.COUNTY, municipality__county__in=counties)
                | Q(recipient=Sharing.Recipient.COUNTY, municipality_id__in=granted)
                | Q(recipient=Sharing.Recipient.ORGANISATION, organisation_id__in=organisations)
            )
            .filter(Q(figures=True) | Q(summaries=True))
            .select_related("municipality", "partner", "organisation")
        )
        for sharing in sharings:
            access = result.setdefault(sharing.municipality_id, Access(sharing.municipality))
            access.figures |= sharing.figures
            access.summaries |= sharing.summaries
            access.via.append(sharing)
    return dict(sorted(result.items(), key=lambda item: item[1].municipality.name))


def access_to(user, slug):
    """The ``Access`` of the municipality with this slug, or None when it shares nothing with
    this user (the page answers 404)."""
    for access in reach(user).values():
        if access.municipality.slug == slug and access.anything:
            return access
    return None


# --- The shared figures --------------------------------------------------------------------------


def month_starts(today, months=MONTHS * 2):
    """The first days of the ``months`` last full months, oldest first."""
    first = today.replace(day=1)
    starts = []
    for _i in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        starts.append(first)
    return starts[::-1]


def population_of(municipality):
    return municipality.population or None


def per_thousand(count, population):
    if not population:
        return None
    return round(count * 1000 / population, 2)


def change(now, before):
    """The change in per cent from ``before`` to ``now``, or None (nothing to compare)."""
    if now is None or not before:
        return None
    return round((now - before) * 100 / before)


def figures(municipalities, today=None):
    """The shared figures of ``municipalities`` side by side, from their open incidents only
    (the public level), for the last twelve full months against the twelve before: one query.

    Returns {"months": [first days], "rows": [per municipality], "categories": [per
    category, a rate per municipality]}."""
    today = today or timezone.localdate()
    starts = month_starts(today)
    current, previous = starts[MONTHS:], starts[:MONTHS]
    end = today.replace(day=1)
    ids = [m.pk for m in municipalities]
    counts = defaultdict(int)  # (municipality, month) -> n
    by_category = defaultdict(int)  # (municipality, category key) -> n in the last 12 months
    labels = {}
    if ids:
        with municipality_scope(ids):
            rows = (
                Incident.objects.open()
                .active()
                .filter(occurred_on__gte=starts[0], occurred_on__lt=end)
                .annotate(month=TruncMonth("occurred_on"))
                .values("municipality_id", "month", "category__code", "category__municipality")
                .annotate(n=Count("id"))
            )
            for row in rows:
                month = row["month"]
                month = month.date() if isinstance(month, datetime.datetime) else month
                counts[row["municipality_id"], month] += row["n"]
                if month >= current[0]:
                    key = row["category__code"] if row["category__municipality"] is None else ""
                    by_category[row["municipality_id"], key] += row["n"]
        with municipality_scope(ids):
            for code, name in IncidentCategory.objects.filter(
                municipality__isnull=True
            ).values_list("code", "name"):
                labels[code] = name
    labels[""] = _("The municipality's own categories")
    result_rows = []
    for municipality in municipalities:
        population = population_of(municipality)
        monthly = [counts[municipality.pk, month] for month in current]
        now = sum(monthly)
        before = sum(counts[municipality.pk, month] for month in previous)
        rate_now, rate_before = per_thousand(now, population), per_thousand(before, population)
        result_rows.append(
            {
                "municipality": municipality,
                "population": population,
                "count": now,
                "rate": rate_now,
                "previous_rate": rate_before,
                "change": change(rate_now, rate_before),
                "monthly": [per_thousand(n, population) for n in monthly],
            }
        )
    totals = defaultdict(int)
    for (_m, key), n in by_category.items():
        totals[key] += n
    categories = [
        {
            "label": labels.get(key, key),
            "rates": [
                per_thousand(by_category[m.pk, key], population_of(m)) for m in municipalities
            ],
        }
        for key in sorted(totals, key=lambda k: (-totals[k], str(labels.get(k, k))))
    ]
    return {
        "months": current,
        "first": current[0],
        "last": end - datetime.timedelta(days=1),
        "rows": result_rows,
        "categories": categories,
    }


def summaries_of(municipality):
    """The public summaries of a municipality's approved lägesbilder, newest first."""
    with municipality_scope(municipality):
        return list(
            PublicSummary.objects.filter(report__status=SituationReport.Status.APPROVED)
            .select_related("report")
            .order_by("-report__period_end", "-pk")
        )


# --- Deciding what is shared ---------------------------------------------------------------------


def _levels(sharing):
    return [name for name in ("figures", "summaries") if getattr(sharing, name)]


@transaction.atomic
def save_sharing(sharing, *, before=None, request=None):
    """Store a consent (new or changed) and record it in the audit trail. ``before``: its
    levels before the change (None for a new one)."""
    sharing.updated_at = timezone.now()
    sharing.full_clean()
    try:
        with transaction.atomic():
            sharing.save()
    except IntegrityError as error:
        raise SharingRefused(_("The municipality already shares with this recipient.")) from error
    audit.record(
        sharing.municipality_id,
        audit.Action.SHARING_CHANGED,
        sharing,
        old={"levels": before} if before is not None else None,
        new={"shared_with": sharing.recipient_name, "levels": _levels(sharing)},
        request=request,
        label=sharing.recipient_name,
    )
    return sharing


@transaction.atomic
def end_sharing(sharing, *, request=None):
    audit.record(
        sharing.municipality_id,
        audit.Action.SHARING_ENDED,
        sharing,
        old={"shared_with": sharing.recipient_name, "levels": _levels(sharing)},
        request=request,
        label=sharing.recipient_name,
    )
    sharing.delete()


@transaction.atomic
def grant_regional_role(municipality, user, title, *, request=None):
    if RegionalRole.objects.filter(municipality=municipality, user=user, ended_at=None).exists():
        raise SharingRefused(_("This person already holds a regional role here."))
    role = RegionalRole(
        municipality=municipality, user=user, title=title, granted_by=request and request.user
    )
    role.full_clean()
    role.save()
    audit.record(
        municipality,
        audit.Action.REGIONAL_ROLE_GRANTED,
        role,
        new={"regional_role": title},
        person=user,
        request=request,
        label=str(user),
    )
    return role


@transaction.atomic
def end_regional_role(role, *, request=None):
    if role.ended_at is not None:
        return
    role.ended_at = timezone.now()
    role.save(update_fields=["ended_at"])
    audit.record(
        role.municipality_id,
        audit.Action.REGIONAL_ROLE_ENDED,
        role,
        old={"regional_role": role.title},
        person=role.user,
        request=request,
        label=str(role.user),
    )


# --- Sharing one lägesbild -----------------------------------------------------------------------


def _report_label(report):
    return f"{report.display_title} ({formats.date_format(report.period_end, 'Y-m-d')})"


@transaction.atomic
def share_report(report, partner, *, request=None):
    """Share an approved lägesbild (its public level) with ``partner``, once."""
    if report.status != SituationReport.Status.APPROVED:
        raise SharingRefused(_("Only an approved situation report can be shared."))
    if partner.pk == report.municipality_id:
        raise SharingRefused(_("A municipality does not share with itself."))
    already = _("The situation report is already shared with %(name)s.") % {"name": partner.name}
    # Refused before any write; the unique constraint decides when two shares race.
    if ReportShare.objects.filter(report=report, partner=partner, withdrawn_at=None).exists():
        raise SharingRefused(already)
    try:
        with transaction.atomic():
            share = ReportShare.objects.create(
                municipality_id=report.municipality_id,
                report=report,
                partner=partner,
                shared_by=request.user if request else None,
            )
    except IntegrityError as error:
        raise SharingRefused(already) from error
    audit.record(
        report.municipality_id,
        audit.Action.REPORT_SHARED,
        share,
        new={"report": _report_label(report), "shared_with": partner.name},
        request=request,
        label=partner.name,
    )
    return share


@transaction.atomic
def withdraw_share(share, *, request=None):
    """Withdraw a sharing: the neighbour's page answers 404 from now on. Kept, with when and
    by whom, for the record. Withdrawing twice changes nothing."""
    changed = ReportShare.objects.filter(pk=share.pk, withdrawn_at=None).update(
        withdrawn_at=timezone.now(), withdrawn_by=request.user if request else None
    )
    if not changed:
        return
    share.refresh_from_db()
    audit.record(
        share.municipality_id,
        audit.Action.REPORT_SHARE_WITHDRAWN,
        share,
        old={"withdrawn_at": None},
        new={"report": _report_label(share.report), "withdrawn_at": share.withdrawn_at},
        request=request,
        label=share.partner.name,
    )


def received_shares(municipality):
    """The lägesbilder other municipalities share with ``municipality`` now, newest first."""
    return received_shares_of([municipality]).get(municipality.pk, [])


def received_shares_of(municipalities):
    """``received_shares`` for several municipalities in one query: {municipality pk: [share]}."""
    shares = {}
    with scopes_disabled():
        for share in (
            ReportShare.objects.filter(partner__in=municipalities, withdrawn_at=None)
            .select_related("municipality", "report")
            .order_by("-report__period_end", "-shared_at")
        ):
            shares.setdefault(share.partner_id, []).append(share)
    return shares


def received_share(municipality, pk):
    """One lägesbild shared with ``municipality`` (not withdrawn), or None."""
    with scopes_disabled():
        return (
            ReportShare.objects.filter(partner=municipality, withdrawn_at=None, pk=pk)
            .select_related("municipality", "report")
            .first()
        )
