"""The action plan's life: drafted from an approved strategic lägesbild, decided (with an entry
in the decision register), revised as a new version with its own decision, followed up measure
by measure, reminded of, and reported on once a year.

Every step that changes a plan holds its row (``select_for_update``): two coordinators
deciding the same draft at once get one decision, and the second a clear refusal.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from councils.models import MunicipalityMembership
from councils.services.reminders import quarter_of, remind_each_quarter
from trygghet import outbox
from trygghet.tenancy import COORDINATOR

from ..models import (
    ActionPlan,
    Decision,
    DecisionMaker,
    IndicatorValue,
    Measure,
    MeasureIndicator,
    MeasureReminder,
    MeasureUpdate,
    PlanLocked,
    PlanReviewReminder,
    Problem,
    ReportKind,
    SituationReport,
)
from ..models.indicators import shown_number
from ..models.plans import OPEN_STATUSES, REVIEW_NOTICE_DAYS, PlanStatus
from ..models.problems import PRIORITY_ORDER


class PlanError(Exception):
    """A step that cannot be taken now; the message is for the user."""


def _locked(plan_id):
    # ``of=("self",)``: the plan's row only, not its municipality's, which the join reads.
    return (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .get(pk=plan_id)
    )


def based_on_choices(municipality):
    """The lägesbilder a plan can be based on: approved strategic ones, current versions."""
    return (
        SituationReport.objects.filter(municipality=municipality)
        .strategic()
        .approved()
        .filter(superseded_by__isnull=True)
        .order_by("-period_end")
    )


def save_draft(plan, user=None):
    """Save a new or changed draft plan from its valid form (a decided one refuses:
    ``PlanLocked``), the stored row held while it is checked."""
    with transaction.atomic():
        if plan.pk is not None and not _locked(plan.pk).is_draft:
            raise PlanLocked()
        plan.save()
    return plan


def save_measure(plan, form, user=None):
    """Save a measure of a draft plan from a valid ``MeasureForm``, the plan's row held."""
    with transaction.atomic():
        plan = _locked(plan.pk)
        if not plan.is_draft:
            raise PlanLocked()
        measure = form.save(commit=False)
        measure.plan = plan
        if measure.pk is None:
            measure.position = plan.measures.count() + 1
        measure.save()
        form.save_m2m()
    return measure


def delete_measure(measure):
    with transaction.atomic():
        plan = _locked(measure.plan_id)
        if not plan.is_draft:
            raise PlanLocked()
        measure.indicators.all().delete()
        measure.delete()


def save_measure_indicator(measure, target):
    with transaction.atomic():
        plan = _locked(measure.plan_id)
        if not plan.is_draft:
            raise PlanLocked()
        target.measure = measure
        target.save()
    return target


def delete_measure_indicator(target):
    with transaction.atomic():
        plan = _locked(target.measure.plan_id)
        if not plan.is_draft:
            raise PlanLocked()
        target.delete()


def decide(
    plan, user, *, made_by, board_name, date, paragraph, registry_number, review_date, text=""
):
    """Record the decision of a draft plan: it becomes decided (an official record), the plan
    it revises becomes replaced, and the decision enters the register with ``text``, the
    decision's wording as the minutes have it (a plain default when empty). Returns the
    entry."""
    with transaction.atomic():
        plan = _locked(plan.pk)
        if not plan.is_draft:
            raise PlanError(_("This action plan is already decided."))
        if not plan.measures.exists():
            raise PlanError(_("A plan without measures cannot be decided: add its measures."))
        if not plan.based_on.is_approved:
            raise PlanError(_("The lägesbild the plan is based on is not approved."))
        if plan.revises_id:
            previous = _locked(plan.revises_id)
            if previous.status == PlanStatus.DECIDED:
                previous.status = PlanStatus.REPLACED
                previous.save(update_fields=["status"])
        else:
            current = (
                ActionPlan.objects.select_for_update()
                .filter(municipality_id=plan.municipality_id, status=PlanStatus.DECIDED)
                .first()
            )
            if current is not None:
                raise PlanError(
                    _(
                        "The municipality has a decided plan (%(plan)s): make a revision of it "
                        "instead, so that the new decision replaces it."
                    )
                    % {"plan": current}
                )
        plan.decided_by = made_by
        plan.decided_by_name = board_name
        plan.decision_date = date
        plan.decision_paragraph = paragraph
        plan.registry_number = registry_number
        plan.review_date = review_date
        plan.decision_recorded_by = user
        plan.status = PlanStatus.DECIDED
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError:  # another plan of the municipality decided at the same moment
            raise PlanError(
                _("Another plan of the municipality has just been decided: revise that one.")
            ) from None
        entry = Decision.objects.create(
            municipality_id=plan.municipality_id,
            made_by=made_by,
            board_name=board_name,
            body=plan.body if made_by == DecisionMaker.BODY else None,
            paragraph=paragraph,
            date=date,
            registry_number=registry_number,
            title=f"{plan.title} {plan.period_label}"[:250],
            text=text
            or _("The action plan is adopted, to be reviewed by %(date)s.")
            % {"date": review_date.isoformat()},
            created_by=user,
        )
        entry.plans.add(plan)
    return entry


def revise(plan, user, reason):
    """A revision of a decided plan: a new draft version with its measures (each continuing
    the one it copies), to be decided in its own right. The decided plan stays as it is."""
    with transaction.atomic():
        plan = _locked(plan.pk)
        if plan.status != PlanStatus.DECIDED:
            raise PlanError(_("Only the decided plan is revised."))
        if ActionPlan.objects.filter(revises=plan).exists():
            raise PlanError(_("A revision of this plan is already being prepared."))
        copy = _create_revision(
            municipality_id=plan.municipality_id,
            title=plan.title,
            first_year=plan.first_year,
            last_year=plan.last_year,
            based_on_id=plan.based_on_id,
            body_id=plan.body_id,
            summary=plan.summary,
            version=plan.version + 1,
            revises=plan,
            revision_reason=reason,
            is_public=False,
        )
        for old in plan.measures.prefetch_related("problems", "indicators"):
            measure = Measure.objects.create(
                **_field_values(old, exclude=("plan", "continues")), plan=copy, continues=old
            )
            measure.problems.set(old.problems.all())
            MeasureIndicator.objects.bulk_create(
                MeasureIndicator(**_field_values(target, exclude=("measure",)), measure=measure)
                for target in old.indicators.all()
            )
    return copy


def _create_revision(**fields):
    """The revision's row; the one-to-one ``revises`` makes a second one, asked for at the same
    moment, fail here (the row lock already makes it wait and then find the first)."""
    try:
        with transaction.atomic():
            return ActionPlan.objects.create(**fields)
    except IntegrityError:
        raise PlanError(_("A revision of this plan is already being prepared.")) from None


def _field_values(instance, exclude=()):
    """The stored values of ``instance``'s concrete fields (not its key, nor ``exclude``)."""
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.name not in exclude
    }


def set_public(obj, value):
    """Publish or withdraw a plan, a measure or a citizen promise on the public page (the one
    change a decided plan takes besides being replaced)."""
    obj.is_public = bool(value)
    obj.save(update_fields=["is_public"])


def add_update(measure, update, user):
    """Record a follow-up of a measure (an unsaved ``MeasureUpdate`` from its form): the
    measure takes its status. Only a decided plan's measures are followed up."""
    with transaction.atomic():
        measure = (
            Measure.objects.select_for_update(of=("self",))
            .select_related("plan")
            .get(pk=measure.pk)
        )
        if measure.plan.status != PlanStatus.DECIDED:
            raise PlanError(_("Measures are followed up once the plan is decided."))
        update.measure = measure
        update.author = user
        update.previous_status = measure.status
        update.save()
        if measure.status != update.status:
            measure.status = update.status
            measure.save(update_fields=["status"])
    return update


# --- Reminders ------------------------------------------------------------------------------


def measures_needing_reminder(today=None):
    """Open measures of decided plans that have started, with a responsible person who has an
    e-mail address, and no update since the quarter began."""
    today = today or timezone.localdate()
    _quarter, start = quarter_of(today)
    updated = MeasureUpdate.objects.filter(measure=OuterRef("pk"), date__gte=start)
    return (
        Measure.objects.open()
        .filter(
            plan__status=PlanStatus.DECIDED,
            start_date__lte=today,
            responsible_person__is_active=True,
        )
        .exclude(responsible_person__email="")
        .exclude(Exists(updated))
        .select_related("responsible_person")
    )


def _measure_reminder_mail(reminder):
    measure = reminder.measure
    person = measure.responsible_person
    context = {
        "measure": measure,
        "person": person,
        "municipality": measure.plan.municipality,
        "quarter": reminder.quarter,
        "url": _site_url(measure.get_absolute_url()),
    }
    subject = _("Follow-up of the measure “%(measure)s”") % {"measure": measure.title}
    body = render_to_string("situation_reports/email/measure_reminder.txt", context)
    return outbox.Mail(reminder.recipient or person.email, subject, body)


def remind_measure_leads(today=None):
    """One reminder per measure and quarter (the agreement actions' rule and code)."""
    return remind_each_quarter(
        measures_needing_reminder(today),
        MeasureReminder,
        target="measure",
        recipient=lambda m: m.responsible_person.email,
        related=("measure__responsible_person", "measure__plan__municipality"),
        mail=_measure_reminder_mail,
        key="measure-reminder",
        today=today,
    )


def _site_url(path):
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def plans_due_for_review(today=None):
    """Decided plans whose review date is at most 90 days away and that were not reminded."""
    today = today or timezone.localdate()
    return ActionPlan.objects.decided().filter(
        review_date__lte=today + datetime.timedelta(days=REVIEW_NOTICE_DAYS),
        review_reminder__isnull=True,
    )


def remind_plan_reviews(today=None):
    """Remind the coordinators of each plan due for review, once per plan ever: the reminder
    row (one per plan: the database decides) and its mails commit together, so a second run,
    or a task delivered twice, finds the row and queues nothing. Returns the mails sent."""
    ids = []
    for plan in plans_due_for_review(today):
        with transaction.atomic():
            plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
            if PlanReviewReminder.objects.filter(plan=plan).exists():
                continue
            recipients = sorted(
                {
                    m.user.email
                    for m in MunicipalityMembership.objects.filter(
                        municipality_id=plan.municipality_id,
                        role=COORDINATOR,
                        is_active=True,
                        user__is_active=True,
                    ).select_related("user")
                    if m.user.email
                }
            )
            PlanReviewReminder.objects.create(
                plan=plan, review_date=plan.review_date, recipients=len(recipients)
            )
            with translation.override(settings.LANGUAGE_CODE):
                context = {"plan": plan, "url": _site_url(plan.get_absolute_url())}
                subject = _("The action plan “%(plan)s” is to be reviewed by %(date)s") % {
                    "plan": plan.title,
                    "date": plan.review_date.isoformat(),
                }
                body = render_to_string("situation_reports/email/plan_review.txt", context)
            ids += outbox.queue(
                f"plan-review:{plan.pk}", [outbox.Mail(to, subject, body) for to in recipients]
            )
    return outbox.deliver(ids)


# --- Follow-up ------------------------------------------------------------------------------


def latest_values(municipality, indicator_ids, until_year=None):
    """The latest whole-municipality value of each indicator (no area, sex or age group), as
    {indicator id: IndicatorValue}, up to ``until_year`` when given."""
    values = IndicatorValue.objects.filter(
        municipality=municipality,
        indicator_id__in=indicator_ids,
        area__isnull=True,
        sex="",
        age_group="",
    )
    if until_year is not None:
        values = values.filter(year__lte=until_year)
    latest = {}
    for value in values.order_by("indicator_id", "-year", "-part"):
        latest.setdefault(value.indicator_id, value)
    return latest


def _target_row(target, latest):
    value = latest.get(target.indicator_id)
    return {
        "target": target,
        "indicator": target.indicator,
        "value": value,
        "met": target.is_met(value.value if value else None),
    }


def _targets(measures, municipality, until_year=None):
    """{measure id: its indicators against their targets} for ``measures`` (prefetched)."""
    targets = [t for m in measures for t in m.indicators.all()]
    latest = latest_values(municipality, {t.indicator_id for t in targets}, until_year)
    rows = {}
    for target in targets:
        rows.setdefault(target.measure_id, []).append(_target_row(target, latest))
    return rows


def follow_up_targets(measure):
    """One measure's indicators against their targets, with the latest value of each."""
    targets = list(measure.indicators.select_related("indicator").order_by("pk"))
    latest = latest_values(measure.plan.municipality, {t.indicator_id for t in targets})
    return [_target_row(target, latest) for target in targets]


def measures_of(plan, today=None):
    """The plan's measures with their follow-up (late, last update, hours and money used),
    problems and indicator targets, in order."""
    return list(
        plan.measures.with_follow_up(today)
        .select_related(
            "responsible_organisation",
            "responsible_body",
            "responsible_person",
            "agreement_action",
            "citizen_promise",
        )
        .prefetch_related(
            Prefetch(
                "problems",
                # The report for the problem's address, without its (large) frozen figures.
                queryset=Problem.objects.select_related("report__municipality")
                .defer("report__data")
                .order_by("position", "pk"),
            ),
            Prefetch(
                "indicators",
                queryset=MeasureIndicator.objects.select_related("indicator").order_by("pk"),
            ),
        )
    )


def follow_up(plan, today=None):
    """What the follow-up page shows: the measures, those late and those without an update
    in 90 days, indicators against their targets, and the hours and money used."""
    today = today or timezone.localdate()
    measures = measures_of(plan, today)
    stale_ids = set(plan.measures.stale(today).values_list("pk", flat=True))
    targets = _targets(measures, plan.municipality)
    for measure in measures:
        measure.is_stale = measure.pk in stale_ids
        measure.target_rows = targets.get(measure.pk, [])

    def total(name):
        return sum((getattr(m, name) or Decimal(0) for m in measures), Decimal(0))

    return {
        "measures": measures,
        "late": [m for m in measures if m.late],
        "stale": [m for m in measures if m.is_stale],
        "targets": [row for m in measures for row in m.target_rows],
        "totals": {
            "hours_planned": total("hours_planned"),
            "hours_used": total("hours_used"),
            "budget": total("budget"),
            "money_used": total("money_used"),
        },
        "by_status": {
            status: sum(1 for m in measures if m.status == status)
            for status, _label in Measure.Status.choices
        },
    }


def by_problem(plan, measures):
    """The plan's problems (those of its lägesbild that a measure answers, by priority), each
    with its measures; a measure answering two problems is under both."""
    problems = {}
    for measure in measures:
        for problem in measure.problems.all():
            problems.setdefault(problem.pk, (problem, []))[1].append(measure)
    return sorted(
        problems.values(), key=lambda pair: (PRIORITY_ORDER[pair[0].priority], pair[0].position)
    )


# --- The annual follow-up report -------------------------------------------------------------


def follow_up_bodies(plan):
    from .compiling import strategic_bodies

    return strategic_bodies(plan.municipality)


def create_follow_up_report(plan, year, body, user=None):
    """The annual follow-up report of ``plan`` for ``year`` to the municipal board: a report of
    kind ``follow_up`` waiting to be compiled (review, approval and locking are the reports')."""
    from .compiling import create_report

    if plan.status == PlanStatus.DRAFT:
        raise PlanError(_("A plan is followed up once it is decided."))
    if not plan.first_year <= year <= plan.last_year:
        raise PlanError(_("Choose a year of the plan's period."))
    existing = (
        SituationReport.objects.follow_ups()
        .filter(action_plan=plan, period_end__year=year, superseded_by__isnull=True)
        .first()
    )
    if existing is not None:
        raise PlanError(_("The follow-up of %(year)s already exists.") % {"year": year})
    today = timezone.localdate()
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), today)
    if end < start:
        raise PlanError(_("The year has not begun."))
    try:
        with transaction.atomic():
            return create_report(
                plan.municipality,
                start,
                end,
                user=user,
                body=body,
                kind=ReportKind.FOLLOW_UP,
                action_plan=plan,
            )
    except IntegrityError:  # asked for twice at the same moment: the database decides
        raise PlanError(_("The follow-up of %(year)s already exists.") % {"year": year}) from None


def _number(value):
    return None if value is None else str(value)


def compute_follow_up(report, *, today=None):
    """The frozen figures of an annual follow-up: the plan and its decision; per problem its
    measures with status, updates of the year at Brå's three levels, resources and
    indicators against targets; and what changed in the lägesbild since the plan's."""
    today = today or timezone.localdate()
    plan = report.action_plan
    start, end = report.period_start, report.period_end
    measures = measures_of(plan)
    targets = _targets(measures, plan.municipality, until_year=end.year)
    # The status each measure had at the end of the year (its last update by then), and the
    # updates of the year: a follow-up compiled later still tells the year as it was.
    updates, status_at_end = {}, {}
    for update in MeasureUpdate.objects.filter(measure__plan=plan, date__lte=end).order_by(
        "date", "pk"
    ):
        status_at_end[update.measure_id] = update.status
        if update.date >= start:
            updates.setdefault(update.measure_id, []).append(update)
    for m in measures:
        m.status_then = status_at_end.get(m.pk, Measure.Status.PLANNED)

    def measure_row(m):
        year_updates = updates.get(m.pk, [])
        return {
            "id": m.pk,
            "title": m.title,
            "status": m.status_then,
            "late": m.status_then in OPEN_STATUSES and m.end_date < end,
            "organisation": str(m.responsible_organisation),
            "start": m.start_date.isoformat(),
            "end": m.end_date.isoformat(),
            "hours_planned": _number(m.hours_planned),
            "budget": _number(m.budget),
            "hours_used": _number(_spent({m.pk: year_updates}, "hours_spent")),
            "money_used": _number(_spent({m.pk: year_updates}, "money_spent")),
            "updates": len(year_updates),
            "output": [u.output for u in year_updates if u.output][-3:],
            "process": [u.process for u in year_updates if u.process][-3:],
            "effect": [u.effect for u in year_updates if u.effect][-3:],
            "agreement_action": str(m.agreement_action) if m.agreement_action_id else "",
            "citizen_promise": str(m.citizen_promise) if m.citizen_promise_id else "",
            "indicators": [
                {
                    "name": row["indicator"].name,
                    "unit": row["indicator"].get_unit_display(),
                    "baseline": shown_number(row["target"].baseline),
                    "baseline_year": row["target"].baseline_year,
                    "target": shown_number(row["target"].target),
                    "target_year": row["target"].target_year,
                    "value": shown_number(row["value"].value) if row["value"] else None,
                    "value_period": row["value"].period_label if row["value"] else None,
                    "met": row["met"],
                }
                for row in targets.get(m.pk, [])
            ],
        }

    problems = [
        {
            "id": problem.pk,
            "title": problem.title,
            "priority": problem.priority,
            "measures": [measure_row(m) for m in problem_measures],
        }
        for problem, problem_measures in by_problem(plan, measures)
    ]
    statuses = {status: 0 for status, _label in Measure.Status.choices}
    for m in measures:
        statuses[m.status_then] += 1
    return {
        "kind": "follow_up",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "period": plan.period_label,
            "version": plan.version,
            "decided_by": plan.decided_by_name or plan.get_decided_by_display(),
            "decision_date": plan.decision_date.isoformat() if plan.decision_date else None,
            "paragraph": plan.decision_paragraph,
            "registry_number": plan.registry_number,
            "review_date": plan.review_date.isoformat() if plan.review_date else None,
            "based_on": {"id": plan.based_on_id, "title": plan.based_on.display_title},
        },
        "totals": {
            "measures": len(measures),
            "statuses": statuses,
            "late": sum(1 for m in measures if m.status_then in OPEN_STATUSES and m.end_date < end),
            "open": sum(1 for m in measures if m.status_then in OPEN_STATUSES),
            # Each measure once, whatever the number of problems it answers.
            "hours_used": _number(_spent(updates, "hours_spent")),
            "money_used": _number(_spent(updates, "money_spent")),
        },
        "problems": problems,
        "changes": lagesbild_changes(plan, end),
        "compiled_on": today.isoformat(),
    }


def _spent(updates, name):
    return sum(
        (getattr(u, name) or Decimal(0) for rows in updates.values() for u in rows), Decimal(0)
    )


def lagesbild_changes(plan, until):
    """What changed between the plan's lägesbild and the latest approved strategic one up to
    ``until``: each problem continued (with its priority then and now), new or no longer
    named. Problems are matched by the ``continues`` chain, else by title."""
    base = plan.based_on
    newer = (
        SituationReport.objects.filter(municipality_id=plan.municipality_id)
        .strategic()
        .approved()
        .filter(superseded_by__isnull=True, period_end__gt=base.period_end, period_end__lte=until)
        .order_by("-period_end")
        .first()
    )
    if newer is None:
        return {"newer": None, "problems": []}
    before = list(base.problems.all())
    after = list(newer.problems.select_related("continues"))

    def roots(problem):
        seen = set()
        while problem is not None and problem.pk not in seen:
            seen.add(problem.pk)
            problem = problem.continues
        return seen

    matched = set()
    rows = []
    for problem in after:
        chain = roots(problem)
        old = next((p for p in before if p.pk in chain), None) or next(
            (
                p
                for p in before
                if p.title.casefold() == problem.title.casefold() and p.pk not in matched
            ),
            None,
        )
        if old is not None:
            matched.add(old.pk)
        rows.append(
            {
                "title": problem.title,
                "state": "continued" if old else "new",
                "before": old.priority if old else None,
                "now": problem.priority,
            }
        )
    rows += [
        {"title": p.title, "state": "gone", "before": p.priority, "now": None}
        for p in before
        if p.pk not in matched
    ]
    return {
        "newer": {"id": newer.pk, "title": newer.display_title},
        "problems": rows,
    }
