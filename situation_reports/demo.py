"""Demo data: a believable year of incidents in Burlöv and Eslöv, the real police events of
both from the shared file, the coming year's holidays and school breaks, and a situation report
for every meeting of the situation groups.

What the texts say and how often things happen is in ``demo.toml``; this module makes the dates
(relative to today) and calls the services. Deterministic (a fixed random seed) and idempotent:
a municipality that already has demo incidents is left as it is, police events and holidays are
deduplicated by their own keys, and a meeting that has its report is left alone.

``seed_demo`` runs ``seed`` (incidents) before the meetings demo and ``seed_reports`` after it
(a report needs its meeting), then ``seed_strategic``: the approved strategic lägesbild for
2025 of each municipality.
"""

import datetime
import random
import tomllib
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from councils.models import Area, Body, Membership, Municipality, MunicipalityMembership
from meetings.models import Kind, Meeting
from trygghet.tenancy import MANAGERS

from .models import (
    ActionPlan,
    Incident,
    IncidentCategory,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureIndicator,
    MeasureUpdate,
    Problem,
    PublicSummary,
    ReportComment,
    Sharing,
    SituationReport,
    UpcomingEvent,
    part_of_day_for,
)
from .permissions import LOGGERS
from .services import comparisons, compiling, plans, police, retention, sharing, workflow
from .services.categories import ensure_default_categories
from .services.indicator_catalogue import ensure_default_indicators
from .services.upcoming import generate_calendar

DATA = tomllib.loads((Path(__file__).with_name("demo.toml")).read_text(encoding="utf-8"))
DEMO_MARK = "demo"  # import_key prefix of generated incidents, so a second run adds nothing

INCIDENTS = DATA["incidents"]
CATEGORIES = DATA["categories"]
REPORTS = DATA["reports"]
STRATEGIC = DATA["strategic"]
PLANS = DATA["plans"]
STRATEGIC_YEAR = 2025
VOLUME = INCIDENTS["per_year"]
SHARING = DATA.get("sharing", [])
SHARED_REPORTS = DATA.get("shared_reports", [])
SHARING_SLUGS = sorted({row["municipality"] for row in SHARING})
RETENTION = DATA.get("retention", [])


# --- Indicator values ------------------------------------------------------------------------

# Made-up figures (marked is_demo, shown as demo values): per catalogue code, the value three
# years ago and the change per year, for the whole municipality.
DEMO_INDICATORS = {
    "burlov": {
        "otrygghet-kvall": (27.0, -1.5),
        "anmalda-brott-per-1000": (118.0, -3.0),
        "brand-utomhus": (41, 4),
        "skolenkaten-trygghet": (84.0, 1.0),
    },
    "eslov": {
        "otrygghet-kvall": (22.0, 0.5),
        "anmalda-brott-per-1000": (96.0, 2.0),
        "anlagd-brand": (18, -2),
    },
}


def seed_indicators(municipality, today):
    """A few years of made-up figures for some catalogue measures; nothing when there are some."""
    if IndicatorValue.objects.filter(municipality=municipality).exists():
        return 0
    ensure_default_indicators()
    catalogue = {i.code: i for i in Indicator.objects.filter(municipality=None)}
    made = []
    for code, (start, step) in DEMO_INDICATORS.get(municipality.slug, {}).items():
        indicator = catalogue.get(code)
        if indicator is None:
            continue
        for offset in range(4):
            made.append(
                IndicatorValue(
                    municipality=municipality,
                    indicator=indicator,
                    period="year",
                    year=today.year - 4 + offset,
                    value=Decimal(str(start + step * offset)),
                    is_demo=True,
                )
            )
    IndicatorValue.objects.bulk_create(made)
    return len(made)


# --- Incidents ---------------------------------------------------------------------------------


def seed(stdout=None):
    ensure_default_categories()
    rng = random.Random(DATA["seed"])
    today = timezone.localdate()
    lines = []
    for slug, volume in VOLUME.items():
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            continue
        created = _seed_incidents(municipality, volume, rng, today)
        lines.append(f"{municipality.name}: {created} demo incidents")
        for year in (today.year, today.year + 1):
            generate_calendar(municipality, year)
        values = seed_indicators(municipality, today)
        lines.append(f"{municipality.name}: {values} demo indicator values")
    path = police.shared_events_file()
    if path is not None:
        # The neighbours that share (issue 15) have the police's events only.
        targets = list(Municipality.objects.filter(slug__in=[*VOLUME, *SHARING_SLUGS]))
        summary = police.import_source(path, municipalities=targets)
        lines.append(
            f"police open data: {summary.imported} imported, {summary.already_there} already there"
        )
    else:
        lines.append("police open data: shared file not found, skipped")
    lines.append(_seed_comparisons(path))
    if stdout:
        stdout.write("situation_reports: " + "; ".join(lines))


def _seed_comparisons(events_file):
    """The reference list of municipalities and the police events of all of them counted, for
    the comparisons page (from the shared data, when it is there)."""
    directory = police.shared_data_dir() / "municipalities"
    if not directory.is_dir() or events_file is None:
        return "comparisons: shared data not found, skipped"
    comparisons.load_reference(directory, comparisons.DEFAULT_POPULATION_YEAR)
    summary = comparisons.aggregate_police_events(events_file)
    return f"comparisons: {summary.counted} police events counted in {summary.rows} rows"


def _days_of_the_year(today):
    """The last 365 days and how much each weighs (its month's weight, more at weekends)."""
    start = today - datetime.timedelta(days=365)
    days = [start + datetime.timedelta(days=i) for i in range(1, 366)]
    months, weekend = INCIDENTS["month_weights"], INCIDENTS["weekend_weight"]
    return days, [months[d.month - 1] * (weekend if d.weekday() >= 4 else 1.0) for d in days]


def _jitter(rng, centre, spread):
    return centre + Decimal(rng.uniform(-spread, spread)).quantize(Decimal("0.00001"))


def _seed_incidents(municipality, volume, rng, today):
    prefix = f"{DEMO_MARK}:{municipality.slug}:"
    if Incident.objects.filter(municipality=municipality, import_key__startswith=prefix).exists():
        return 0
    areas = list(Area.objects.filter(municipality=municipality))
    categories = {c.code: c for c in IncidentCategory.objects.filter(municipality__isnull=True)}
    loggers = list(
        MunicipalityMembership.objects.filter(
            municipality=municipality, role__in=LOGGERS
        ).select_related("user", "organisation")
    )
    if not areas or not loggers:
        return 0
    codes = list(CATEGORIES)
    weights = [CATEGORIES[code]["weight"] for code in codes]
    severities = [Incident.Severity[name.upper()] for name in INCIDENTS["severity_weights"]]
    severity_weights = list(INCIDENTS["severity_weights"].values())
    statuses = [Incident.Status(name) for name in INCIDENTS["status_weights"]]
    status_weights = list(INCIDENTS["status_weights"].values())
    first_hour, last_hour = INCIDENTS["logged_after_hours"]
    tz = timezone.get_current_timezone()
    days, day_weights = _days_of_the_year(today)
    incidents = []
    for number in range(volume):
        code = rng.choices(codes, weights)[0]
        category = CATEGORIES[code]
        day = rng.choices(days, day_weights)[0]
        area = rng.choice(areas)
        place = rng.choice(category["places"])
        membership = rng.choice(loggers)
        time_known = rng.random() < INCIDENTS["share_with_time"]
        hour = rng.choices(range(24), INCIDENTS["hour_weights"])[0]
        started = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(hour, rng.randrange(0, 60, 5))), tz
        )
        if started > timezone.now():
            started -= datetime.timedelta(days=1)
            day = started.date()
        restricted = (
            code in INCIDENTS["restricted_categories"]
            and rng.random() < INCIDENTS["share_restricted"]
        )
        latitude = longitude = None
        if area.latitude is not None and rng.random() < INCIDENTS["share_with_position"]:
            latitude = _jitter(rng, area.latitude, INCIDENTS["latitude_spread"])
            longitude = _jitter(rng, area.longitude, INCIDENTS["longitude_spread"])
        local_started = timezone.localtime(started)
        incidents.append(
            Incident(
                municipality=municipality,
                occurred_on=local_started.date(),
                started_at=started if time_known else None,
                part_of_day=part_of_day_for(local_started.time()),
                area=area,
                place=place[:1].upper() + place[1:],
                latitude=latitude,
                longitude=longitude,
                category=categories[code],
                description=rng.choice(category["descriptions"]).format(place=place),
                severity=rng.choices(severities, severity_weights)[0],
                confidentiality=(
                    Incident.Confidentiality.RESTRICTED
                    if restricted
                    else Incident.Confidentiality.OPEN
                ),
                status=rng.choices(statuses, status_weights)[0],
                source=Incident.Source.MANUAL,
                organisation=membership.organisation,
                created_by=membership.user,
                created_at=started + datetime.timedelta(hours=rng.randint(first_hour, last_hour)),
                import_key=f"{prefix}{number}",
            )
        )
    for incident in incidents:
        if incident.created_at > timezone.now():
            incident.created_at = timezone.now()
    bulk_create_with_history(incidents, Incident, batch_size=500)
    return len(incidents)


# --- Situation reports ---------------------------------------------------------------------------


def seed_reports(stdout=None):
    """Every past meeting of the situation groups gets its report, compiled, commented and
    approved, so a new user sees a history; the next meeting gets one in review, attached to
    its agenda."""
    made = 0
    now = timezone.now()
    for body in Body.objects.filter(kind=Body.Kind.SITUATION_GROUP, is_active=True).select_related(
        "municipality"
    ):
        approver = _approver(body)
        meetings = list(
            body.meetings.exclude(status=Meeting.Status.CANCELLED)
            .filter(kind=Kind.MEETING)
            .order_by("start")
        )
        past = [m for m in meetings if m.start < now]
        upcoming = [m for m in meetings if m.start >= now][:1]
        for meeting in past:
            if SituationReport.objects.filter(meeting=meeting).exists():
                continue
            report, _created = compiling.report_for_meeting(meeting)
            compiling.compile_report(report.pk)
            report.refresh_from_db()
            workflow.save_section(report, "assessment", REPORTS["assessment"], approver)
            workflow.save_section(report, "recommendations", REPORTS["recommendations"], approver)
            workflow.submit_for_review(report, approver)
            ReportComment.objects.create(
                report=report,
                section=REPORTS["comment"]["section"],
                author=approver,
                text=REPORTS["comment"]["text"],
            )
            if approver is not None:
                workflow.approve(report, approver)
            made += 1
        for meeting in upcoming:
            if SituationReport.objects.filter(meeting=meeting).exists():
                continue
            report, _created = compiling.report_for_meeting(meeting)
            compiling.compile_report(report.pk)
            report.refresh_from_db()
            workflow.submit_for_review(report, approver)
            workflow.attach_to_agenda(report)
            made += 1
    if stdout:
        stdout.write(f"situation reports: {made} compiled")
    return made


def _approver(body):
    """The body's chair, or else one of the municipality's managers."""
    chair = (
        Membership.objects.current()
        .filter(body=body, role=Membership.Role.CHAIR)
        .select_related("user")
        .first()
    )
    if chair is not None:
        return chair.user
    manager = (
        MunicipalityMembership.objects.filter(
            municipality=body.municipality, role__in=MANAGERS, is_active=True
        )
        .select_related("user")
        .first()
    )
    return manager.user if manager else None


# --- The strategic lägesbild -------------------------------------------------------------------


def seed_strategic(stdout=None):
    """Burlöv's and Eslöv's strategic lägesbild for 2025, compiled from their data, written,
    with its problems and their cause analysis, and approved by the council's chair; and the
    building projects its "What is planned" lists. Nothing when the municipality has one for
    2025 already."""
    made = 0
    start = datetime.date(STRATEGIC_YEAR, 1, 1)
    end = datetime.date(STRATEGIC_YEAR, 12, 31)
    for slug, text in STRATEGIC.items():
        municipality = Municipality.objects.filter(slug=slug).first()
        body = Body.objects.filter(municipality=municipality, name=text["body"]).first()
        if municipality is None or body is None:
            continue
        areas = {a.name: a for a in Area.objects.filter(municipality=municipality)}
        _seed_planned(municipality, text.get("planned", []), areas)
        if (
            SituationReport.objects.strategic()
            .filter(municipality=municipality, period_start=start, period_end=end)
            .exists()
        ):
            continue
        approver = _approver(body)
        report = compiling.create_strategic_report(municipality, body, start, end, user=approver)
        report = compiling.compile_report(report.pk)
        for key in ("survey", "consequences", "other_information", "analysis", "conclusions"):
            workflow.save_section(report, key, text[key], approver)
        categories = {c.code: c for c in IncidentCategory.objects.available_to(municipality)}
        for position, problem in enumerate(text["problems"], 1):
            links = {"areas", "categories"}
            row = Problem.objects.create(
                report=report,
                position=position,
                updated_by=approver,
                **{key: value for key, value in problem.items() if key not in links},
            )
            row.areas.set([areas[name] for name in problem["areas"] if name in areas])
            row.categories.set([categories[c] for c in problem["categories"] if c in categories])
        workflow.submit_for_review(report, approver)
        if approver is not None:
            workflow.approve(report, approver)
        made += 1
    if stdout:
        stdout.write(f"strategic situation reports: {made} compiled and approved")
    return made


def _seed_planned(municipality, planned, areas):
    for event in planned:
        UpcomingEvent.objects.get_or_create(
            municipality=municipality,
            title=event["title"],
            starts_on=datetime.date.fromisoformat(event["starts_on"]),
            defaults={
                "ends_on": datetime.date.fromisoformat(event["ends_on"])
                if event.get("ends_on")
                else None,
                "kind": UpcomingEvent.Kind.BUILDING_PROJECT,
                "area": areas.get(event.get("area")),
                "expected_effect": event.get("expected_effect", ""),
            },
        )


# --- The action plan ----------------------------------------------------------------------------


def seed_plans(stdout=None):
    """Burlöv's and Eslöv's action plan 2023–2026, decided from their lägesbild 2025, with its
    measures (linked to its problems, and some to the agreement's actions and citizen
    promises), their updates, the approved annual follow-up report 2025, and what each
    publishes on its public page. Nothing for a municipality that has an action plan."""
    from councils.models import Action, CitizenPromise, Organisation, User

    made = 0
    for slug, text in PLANS.items():
        municipality = Municipality.objects.filter(slug=slug).first()
        body = Body.objects.filter(municipality=municipality, name=text["body"]).first()
        lagesbild = (
            plans.based_on_choices(municipality).filter(period_end__year=STRATEGIC_YEAR).first()
            if municipality
            else None
        )
        if lagesbild is None or body is None:
            continue
        if ActionPlan.objects.filter(municipality=municipality).exists():
            continue
        approver = _approver(body)
        plan = ActionPlan.objects.create(
            municipality=municipality,
            title=text["title"],
            first_year=2023,
            last_year=2026,
            based_on=lagesbild,
            body=body,
            summary=text["summary"],
        )
        problems = {p.title: p for p in lagesbild.problems.all()}
        organisations = {
            o.name: o for o in Organisation.objects.filter(municipalities=municipality)
        }
        people = {
            u.username: u
            for u in User.objects.filter(municipality_memberships__municipality=municipality)
        }
        actions = {
            a.title: a
            for a in Action.objects.filter(focus_area__agreement__municipality=municipality)
        }
        promises = {
            p.title: p for p in CitizenPromise.objects.filter(agreement__municipality=municipality)
        }
        catalogue = {i.code: i for i in Indicator.objects.available_to(municipality)}
        updates = []
        for position, row in enumerate(text["measures"], 1):
            measure = Measure.objects.create(
                plan=plan,
                position=position,
                title=row["title"],
                description=row["description"],
                responsible_organisation=organisations[row["organisation"]],
                responsible_person=people[row["person"]],
                other_parties=row.get("other_parties", ""),
                hours_planned=row.get("hours"),
                budget=row.get("budget"),
                start_date=datetime.date.fromisoformat(row["start"]),
                end_date=datetime.date.fromisoformat(row["end"]),
                agreement_action=actions.get(row.get("action")),
                citizen_promise=promises.get(row.get("promise")),
                is_public=row["public"],
            )
            measure.problems.set([problems[title] for title in row["problems"]])
            for target in row.get("indicators", []):
                MeasureIndicator.objects.create(
                    measure=measure,
                    indicator=catalogue[target["code"]],
                    baseline=Decimal(str(target["baseline"])),
                    baseline_year=target["baseline_year"],
                    target=Decimal(str(target["target"])),
                    target_year=target["target_year"],
                    direction=target["direction"],
                )
            updates += [(measure, update) for update in row.get("updates", [])]
        plans.decide(
            plan,
            approver,
            made_by=text["decided_by"],
            board_name=text["board_name"],
            date=datetime.date.fromisoformat(text["decision_date"]),
            paragraph=text["paragraph"],
            registry_number=text["registry_number"],
            review_date=datetime.date.fromisoformat(text["review_date"]),
            text=text["decision_text"],
        )
        for measure, update in sorted(updates, key=lambda pair: pair[1]["date"]):
            plans.add_update(
                measure,
                MeasureUpdate(
                    date=datetime.date.fromisoformat(update["date"]),
                    status=update["status"],
                    output=update["output"],
                    process=update.get("process", ""),
                    effect=update.get("effect", ""),
                    hours_spent=update.get("hours"),
                    money_spent=update.get("money"),
                ),
                measure.responsible_person,
            )
        plans.set_public(ActionPlan.objects.get(pk=plan.pk), True)
        for promise in promises.values():
            plans.set_public(promise, True)
        PublicSummary.objects.create(
            municipality=municipality,
            title=text["public_summary_title"],
            text=text["public_summary"],
            report=lagesbild,
            is_published=True,
            published_on=datetime.date.fromisoformat(text["decision_date"]),
        )
        report = plans.create_follow_up_report(
            ActionPlan.objects.get(pk=plan.pk), STRATEGIC_YEAR, body, approver
        )
        report = compiling.compile_report(report.pk)
        for key in ("plan_year", "by_problem", "changes", "recommendations"):
            workflow.save_section(report, key, text[f"report_{key}"], approver)
        workflow.submit_for_review(report, approver)
        workflow.approve(SituationReport.objects.get(pk=report.pk), approver)
        made += 1
    if stdout:
        stdout.write(f"action plans: {made} decided, followed up and published")
    return made


# --- Sharing (issue 15) ------------------------------------------------------------------------


def seed_sharing(stdout=None):
    """What Burlöv, Eslöv and their neighbours Kävlinge and Lomma share (``[[sharing]]``), and
    Eslöv's approved strategic lägesbild shared with Burlöv (``[[shared_reports]]``). A
    sharing that exists is left as it is."""
    from councils.models import Organisation

    places = {m.slug: m for m in Municipality.objects.all()}
    made = 0
    for row in SHARING:
        municipality = places.get(row["municipality"])
        if municipality is None:
            continue
        if row.get("partner"):
            target = {"recipient": Sharing.Recipient.MUNICIPALITY}
            target["partner"] = places.get(row["partner"])
            if target["partner"] is None:
                continue
        elif row.get("organisation"):
            target = {
                "recipient": Sharing.Recipient.ORGANISATION,
                "organisation": Organisation.objects.get(name=row["organisation"]),
            }
        else:
            target = {"recipient": Sharing.Recipient.COUNTY}
        if Sharing.objects.filter(municipality=municipality, **target).exists():
            continue
        sharing.save_sharing(
            Sharing(
                municipality=municipality,
                figures=row.get("figures", False),
                summaries=row.get("summaries", False),
                **target,
            )
        )
        made += 1
    shared = 0
    for row in SHARED_REPORTS:
        municipality, partner = places.get(row["municipality"]), places.get(row["partner"])
        report = (
            SituationReport.objects.strategic()
            .approved()
            .filter(municipality=municipality, period_end__year=STRATEGIC_YEAR)
            .first()
        )
        if report is None or partner is None or report.shares.filter(partner=partner).exists():
            continue
        sharing.share_report(report, partner)
        shared += 1
    if stdout:
        stdout.write(f"sharing: {made} sharings, {shared} situation reports shared")
    return made


def seed_retention(stdout=None):
    """A retention decision per demo municipality (``[[retention]]``): each incident rule
    anonymises, each log rule deletes (``models.ALLOWED_ACTIONS``). A municipality that has a
    decision keeps it."""
    from .models import ALLOWED_ACTIONS, ARCHIVAL_TYPES, RecordType, RetentionDecision

    made = 0
    for row in RETENTION:
        municipality = Municipality.objects.filter(slug=row["municipality"]).first()
        if (
            municipality is None
            or RetentionDecision.objects.filter(municipality=municipality).exists()
        ):
            continue
        retention.record_decision(
            municipality,
            {
                "decided_by": row["decided_by"],
                "decided_on": datetime.date.fromisoformat(row["decided_on"]),
                "reference": row["reference"],
                "valid_from": datetime.date.fromisoformat(row["valid_from"]),
                "rules": [
                    {
                        "record_type": kind,
                        "months": months,
                        "action": ALLOWED_ACTIONS[RecordType(kind)][0],
                        "source": "",
                        "archival_confirmed": kind in ARCHIVAL_TYPES,
                    }
                    for kind, months in row["rules"].items()
                ],
            },
        )
        made += 1
    if stdout:
        stdout.write(f"retention: {made} decisions")
    return made
