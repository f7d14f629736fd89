"""Issue 14, the action plan: drafted from an approved strategic lägesbild, decided (and then
unchangeable by forms, admin or SQL), revised only with a new decision; measures pointing at
the lägesbild's problems, followed up at Brå's three levels; the review reminder sent once; the
decision register; the annual follow-up report; the public page, which shows only what was
marked public; and who may do what."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from councils.models import Action, Agreement, Body, CitizenPromise, FocusArea, Membership
from meetings.models import AgendaItem, Meeting, MinutesVersion
from situation_reports.models import (
    ActionPlan,
    Decision,
    DecisionMaker,
    Incident,
    IndicatorValue,
    Measure,
    MeasureIndicator,
    MeasureReminder,
    MeasureUpdate,
    PlanLocked,
    PlanReviewReminder,
    Problem,
    PublicSummary,
    SituationReport,
)
from situation_reports.models.indicators import Indicator
from situation_reports.models.plans import term_of_office
from situation_reports.services import compiling, plans, workflow
from situation_reports.tasks import remind_plan_reviews
from tests.factories import BodyFactory, MeetingFactory, MembershipFactory, make_user
from trygghet.models import OutgoingEmail

from .report_helpers import incident
from .test_report_views import pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
CANARY = "Kanariefågel-åtgärd-91c2"


def days(n):
    return TODAY() + datetime.timedelta(days=n)


def url(name, **kwargs):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov", **kwargs})


# --- The world: an approved lägesbild with two problems, an agreement with an action and a
# citizen promise, an indicator with values ----------------------------------------------------


@pytest.fixture
def council(burlov, coordinator, member):
    body = BodyFactory(municipality=burlov, name="Strategiskt råd")
    body.kind = Body.Kind.STRATEGIC_COUNCIL
    body.save()
    MembershipFactory(body=body, user=member)
    return body


@pytest.fixture
def chair(burlov, council):
    user = make_user("burlov.chair", burlov, "member")
    Membership.objects.create(body=council, user=user, role=Membership.Role.CHAIR)
    return user


@pytest.fixture
def lagesbild(burlov, council, coordinator, chair):
    report = compiling.create_strategic_report(
        burlov, council, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), user=coordinator
    )
    report = compiling.compile_report(report.pk)
    Problem.objects.create(
        report=report, title="Ungdomsbrottslighet i Arlöv", description="…", priority="high"
    )
    Problem.objects.create(
        report=report, title="Otrygghet kvällstid vid stationen", description="…", priority="medium"
    )
    workflow.submit_for_review(report, coordinator)
    return workflow.approve(SituationReport.objects.get(pk=report.pk), chair)


@pytest.fixture
def problems(lagesbild):
    return list(lagesbild.problems.order_by("pk"))


@pytest.fixture
def agreement_parts(burlov, police_org, municipal_admin_org, member):
    agreement = Agreement.objects.create(
        municipality=burlov,
        title="Samverkansöverenskommelse",
        police_area=police_org,
        start_date=days(-400),
        end_date=days(700),
        status=Agreement.Status.ACTIVE,
    )
    focus = FocusArea.objects.create(agreement=agreement, title="Unga")
    action = Action.objects.create(
        focus_area=focus,
        title="Föräldravandringar",
        responsible_organisation=municipal_admin_org,
        lead=member,
        start_date=days(-30),
        due_date=days(200),
    )
    promise = CitizenPromise.objects.create(agreement=agreement, title="Vi syns i Arlöv")
    return {"agreement": agreement, "action": action, "promise": promise}


@pytest.fixture
def indicator(burlov):
    made = Indicator.objects.create(
        municipality=burlov, code="otrygga", name="Känner sig otrygga", unit="percent", source="X"
    )
    for year, value in ((2024, "30"), (2025, "24")):
        IndicatorValue.objects.create(
            municipality=burlov, indicator=made, period="year", year=year, value=value
        )
    return made


def measure_data(problems, organisation, person, **extra):
    return {
        "title": "Fältassistenter kvällstid",
        "description": "Två fältassistenter fredag och lördag.",
        "problems": [p.pk for p in problems],
        "responsible_organisation": organisation.pk,
        "responsible_person": person.pk,
        "hours_planned": "400",
        "budget": "250000",
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
        **extra,
    }


@pytest.fixture
def draft(burlov, lagesbild, council):
    return ActionPlan.objects.create(
        municipality=burlov,
        title="Åtgärdsplan",
        first_year=2023,
        last_year=2026,
        based_on=lagesbild,
        body=council,
        summary="Tryggare Burlöv.",
    )


@pytest.fixture
def measure(draft, problems, municipal_admin_org, member, indicator):
    made = Measure.objects.create(
        plan=draft,
        title="Fältassistenter kvällstid",
        description="…",
        responsible_organisation=municipal_admin_org,
        responsible_person=member,
        hours_planned=Decimal("400"),
        budget=Decimal("250000"),
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        is_public=True,
    )
    made.problems.set([problems[0]])
    MeasureIndicator.objects.create(
        measure=made,
        indicator=indicator,
        baseline=Decimal("30"),
        baseline_year=2024,
        target=Decimal("20"),
        target_year=2026,
    )
    return made


def decide(plan, user, review_date=None, **extra):
    return plans.decide(
        plan,
        user,
        made_by=DecisionMaker.EXECUTIVE_BOARD,
        board_name="Kommunstyrelsen",
        date=extra.get("date", days(-10)),
        paragraph=extra.get("paragraph", "§ 42"),
        registry_number="KS 2025/117",
        review_date=review_date or days(300),
    )


@pytest.fixture
def decided(draft, measure, coordinator):
    decide(draft, coordinator)
    return ActionPlan.objects.get(pk=draft.pk)


# --- Through the pages: draft, measures, decision ---------------------------------------------


def test_a_coordinator_drafts_a_plan_adds_a_measure_and_records_the_decision(
    login, coordinator, lagesbild, council, problems, municipal_admin_org, member, indicator
):
    client = login(coordinator)
    form = client.get(url("plan-create"))
    first, last = term_of_office()
    assert form.status_code == 200
    assert f'value="{first}"' in form.text and f'value="{last}"' in form.text
    response = client.post(
        url("plan-create"),
        {
            "title": "Åtgärdsplan 2023–2026",
            "first_year": "2023",
            "last_year": "2026",
            "based_on": lagesbild.pk,
            "body": council.pk,
            "summary": "Tryggare Burlöv.",
        },
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and plan.is_draft
    response = client.post(
        url("measure-create", pk=plan.pk), measure_data(problems, municipal_admin_org, member)
    )
    measure = Measure.objects.get()
    assert response.status_code == 302 and set(measure.problems.all()) == set(problems)
    client.post(
        url("measure-indicator-create", pk=measure.pk),
        {
            "indicator": indicator.pk,
            "direction": "decrease",
            "baseline": "30",
            "baseline_year": "2024",
            "target": "20",
            "target_year": "2026",
        },
    )
    assert measure.indicators.get().target == Decimal("20")
    page = client.get(plan.get_absolute_url()).text
    assert "Ungdomsbrottslighet i Arlöv" in page and measure.title in page
    response = client.post(
        url("plan-decide", pk=plan.pk),
        {
            "made_by": "board",
            "board_name": "Kommunstyrelsen",
            "date": days(-1).isoformat(),
            "paragraph": "§ 42",
            "registry_number": "KS 2025/117",
            "review_date": days(365).isoformat(),
        },
    )
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.is_decided and plan.decision_paragraph == "§ 42"
    entry = Decision.objects.get()
    assert list(entry.plans.all()) == [plan] and entry.board_name == "Kommunstyrelsen"


def test_a_plan_needs_an_approved_strategic_lagesbild_of_its_own_municipality(
    login, coordinator, burlov, council, outsider, eslov
):
    operational = compiling.create_report(burlov, days(-7), days(-1))
    other = compiling.create_strategic_report(
        eslov, BodyFactory(municipality=eslov, kind=Body.Kind.COUNCIL), days(-7), days(-1)
    )
    for report in (operational, other):
        response = login(coordinator).post(
            url("plan-create"),
            {
                "title": "P",
                "first_year": "2023",
                "last_year": "2026",
                "based_on": report.pk,
                "summary": "x",
            },
        )
        assert response.status_code == 400
    assert not ActionPlan.objects.exists()


def test_a_measure_answers_only_problems_of_the_plans_lagesbild(
    login, coordinator, draft, municipal_admin_org, member, burlov, council
):
    stray = compiling.create_strategic_report(burlov, council, days(-9), days(-2))
    foreign = Problem.objects.create(report=stray, title="Annat", description="x")
    response = login(coordinator).post(
        url("measure-create", pk=draft.pk), measure_data([foreign], municipal_admin_org, member)
    )
    assert response.status_code == 400 and not Measure.objects.exists()


def test_deciding_needs_measures_and_a_complete_decision(login, coordinator, draft):
    with pytest.raises(plans.PlanError):
        decide(draft, coordinator)
    response = login(coordinator).post(
        url("plan-decide", pk=draft.pk),
        {"made_by": "board", "date": days(5).isoformat(), "paragraph": "", "review_date": ""},
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.is_draft and not Decision.objects.exists()


def test_the_review_must_come_within_the_term_of_office(coordinator, draft, measure):
    from situation_reports.forms.plans import PlanDecisionForm

    base = {"made_by": "board", "date": "2025-03-01", "paragraph": "§ 1"}
    late = PlanDecisionForm({**base, "review_date": "2029-03-02"}, plan=draft)
    early = PlanDecisionForm({**base, "review_date": "2025-03-01"}, plan=draft)
    good = PlanDecisionForm({**base, "review_date": "2026-09-30"}, plan=draft)
    assert "review_date" in late.errors and "review_date" in early.errors and good.is_valid()


# --- A decided plan never changes ---------------------------------------------------------------


def test_a_decided_plan_refuses_every_change_through_the_pages(
    login, coordinator, decided, measure, problems, municipal_admin_org, member
):
    client = login(coordinator)
    client.post(
        url("plan-edit", pk=decided.pk),
        {
            "title": "Ändrad",
            "first_year": "2023",
            "last_year": "2026",
            "based_on": decided.based_on_id,
            "summary": "Ändrad",
        },
    )
    client.post(
        url("measure-edit", pk=measure.pk),
        measure_data(problems, municipal_admin_org, member, title="Ändrad"),
    )
    client.post(
        url("measure-create", pk=decided.pk), measure_data(problems, municipal_admin_org, member)
    )
    client.post(url("measure-delete", pk=measure.pk))
    client.post(
        url("measure-indicator-delete", pk=measure.pk, target_pk=measure.indicators.get().pk)
    )
    decided.refresh_from_db()
    measure.refresh_from_db()
    assert decided.title == "Åtgärdsplan" and decided.summary == "Tryggare Burlöv."
    assert measure.title == "Fältassistenter kvällstid" and Measure.objects.count() == 1
    assert measure.indicators.count() == 1
    page = client.get(decided.get_absolute_url()).text
    assert "official record" not in page  # Swedish interface
    assert "allmän handling" in page or "kan inte ändras" in page


def test_a_decided_plan_refuses_changes_through_the_models(decided, measure):
    decided.title = "Ändrad"
    with pytest.raises(PlanLocked):
        decided.save()
    with pytest.raises(PlanLocked):
        ActionPlan.objects.get(pk=decided.pk).delete()
    measure = Measure.objects.get(pk=measure.pk)
    measure.budget = Decimal("1")
    with pytest.raises(PlanLocked):
        measure.save()
    with pytest.raises(PlanLocked):
        measure.indicators.get().delete()
    # The follow-up goes on: status and the public flag.
    measure = Measure.objects.get(pk=measure.pk)
    measure.status = Measure.Status.ONGOING
    measure.is_public = False
    measure.save()
    plan = ActionPlan.objects.get(pk=decided.pk)
    plans.set_public(plan, True)
    assert ActionPlan.objects.get(pk=decided.pk).is_public


def _sql_refuses(statement, params=()):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_decided_plan_refuses_changes_by_sql(decided, measure, problems):
    plan_table, measure_table = ActionPlan._meta.db_table, Measure._meta.db_table
    _sql_refuses(f"UPDATE {plan_table} SET title = 'x' WHERE id = %s", [decided.pk])
    _sql_refuses(f"UPDATE {plan_table} SET status = 'draft' WHERE id = %s", [decided.pk])
    _sql_refuses(f"DELETE FROM {plan_table} WHERE id = %s", [decided.pk])
    _sql_refuses(f"UPDATE {measure_table} SET title = 'x' WHERE id = %s", [measure.pk])
    _sql_refuses(f"DELETE FROM {measure_table} WHERE id = %s", [measure.pk])
    _sql_refuses(
        f"INSERT INTO {Measure.problems.through._meta.db_table} (measure_id, problem_id) "
        "VALUES (%s, %s)",
        [measure.pk, problems[1].pk],
    )
    _sql_refuses(
        f"UPDATE {MeasureIndicator._meta.db_table} SET target = 1 WHERE measure_id = %s",
        [measure.pk],
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Measure.objects.bulk_create([Measure(**_copy_of(measure))])
    # What may change after the decision does: the public flag, a measure's status.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {plan_table} SET is_public = true WHERE id = %s", [decided.pk])
        cursor.execute(f"UPDATE {measure_table} SET status = 'done' WHERE id = %s", [measure.pk])
    assert Measure.objects.get(pk=measure.pk).status == "done"


def _copy_of(measure):
    fields = [f.attname for f in Measure._meta.concrete_fields if not f.primary_key]
    return {name: getattr(measure, name) for name in fields}


def test_the_admin_shows_a_decided_plan_read_only(client, decided, measure):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_superuser("drift", "drift@example.org", "x")
    client.force_login(operator)
    change = reverse("admin:situation_reports_actionplan_change", args=[decided.pk])
    page = client.get(change).text
    assert 'name="title"' not in page and 'name="is_public"' in page
    response = client.post(
        reverse("admin:situation_reports_actionplan_delete", args=[decided.pk]), {"post": "yes"}
    )
    assert response.status_code == 403 and ActionPlan.objects.filter(pk=decided.pk).exists()
    measure_page = client.get(
        reverse("admin:situation_reports_measure_change", args=[measure.pk])
    ).text
    assert 'name="title"' not in measure_page and 'name="problems"' not in measure_page


# --- A revision needs a decision of its own ------------------------------------------------------


def test_a_revision_is_a_new_version_decided_in_its_own_right(decided, measure, coordinator):
    revision = plans.revise(decided, coordinator, "Ny lägesbild")
    copy = revision.measures.get()
    assert revision.is_draft and revision.version == 2 and revision.revises == decided
    assert copy.continues == measure and list(copy.problems.all()) == list(measure.problems.all())
    assert copy.indicators.get().target == Decimal("20")
    # Until its decision the decided plan applies, unchanged.
    assert ActionPlan.objects.get(pk=decided.pk).is_decided
    with pytest.raises(plans.PlanError):
        plans.revise(decided, coordinator, "En till")
    decide(revision, coordinator, paragraph="§ 7")
    assert ActionPlan.objects.get(pk=decided.pk).status == ActionPlan.Status.REPLACED
    assert ActionPlan.objects.get(pk=revision.pk).is_decided
    assert Decision.objects.count() == 2


def test_a_second_plan_cannot_be_decided_beside_the_decided_one(
    burlov, decided, lagesbild, coordinator, municipal_admin_org, member, problems
):
    other = ActionPlan.objects.create(
        municipality=burlov,
        title="Annan",
        first_year=2025,
        last_year=2026,
        based_on=lagesbild,
        summary="x",
    )
    Measure.objects.create(
        plan=other,
        title="M",
        description="x",
        responsible_organisation=municipal_admin_org,
        responsible_person=member,
        start_date=days(0),
        end_date=days(10),
    )
    with pytest.raises(plans.PlanError):
        decide(other, coordinator)
    other.refresh_from_db()
    assert other.is_draft
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlan.objects.filter(pk=other.pk).update(
            status="decided",
            decided_by="board",
            decision_date=days(0),
            decision_paragraph="§ 1",
            review_date=days(10),
        )


# --- Reminders ----------------------------------------------------------------------------------


def test_the_review_reminder_goes_to_the_coordinators_once(
    draft, measure, coordinator, admin_user, mailoutbox
):
    decide(draft, coordinator, review_date=days(91))
    decided = ActionPlan.objects.get(pk=draft.pk)
    assert plans.remind_plan_reviews() == 0, "91 days before: not yet"
    assert plans.remind_plan_reviews(today=days(1)) == 1
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert decided.title in mailoutbox[0].subject
    assert decided.get_absolute_url() in mailoutbox[0].body
    # Again, and as the task (delivered twice): nothing more.
    assert plans.remind_plan_reviews(today=days(2)) == 0
    remind_plan_reviews.apply()
    remind_plan_reviews.apply()
    assert len(mailoutbox) == 1 and PlanReviewReminder.objects.count() == 1
    assert OutgoingEmail.objects.filter(key=f"plan-review:{decided.pk}").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanReviewReminder.objects.create(plan=decided, review_date=days(91))


def test_a_draft_plan_is_not_reminded(draft, measure, mailoutbox):
    ActionPlan.objects.filter(pk=draft.pk).update(review_date=days(10))
    assert plans.remind_plan_reviews() == 0 and mailoutbox == []


def test_the_responsible_person_is_reminded_of_an_update_once_a_quarter(
    draft, measure, member, coordinator, mailoutbox
):
    Measure.objects.filter(pk=measure.pk).update(start_date=days(-10), end_date=days(100))
    decide(draft, coordinator)
    assert plans.remind_measure_leads() == 1
    assert mailoutbox[0].to == [member.email] and measure.title in mailoutbox[0].subject
    assert plans.remind_measure_leads() == 0 and MeasureReminder.objects.count() == 1
    MeasureReminder.objects.all().delete()
    MeasureUpdate.objects.create(
        measure=measure, author=member, output="Gjort", status="ongoing", previous_status="planned"
    )
    assert plans.remind_measure_leads() == 0


# --- Follow-up ---------------------------------------------------------------------------------


def test_the_responsible_person_posts_an_update_at_three_levels(
    login, decided, measure, member, coordinator
):
    response = login(member).post(
        url("measure-update-create", pk=measure.pk),
        {
            "date": days(0).isoformat(),
            "status": "ongoing",
            "output": "42 kvällar, 310 kontakter.",
            "process": "Bra samverkan med fritidsgården.",
            "effect": "Färre larm om bråk.",
            "hours_spent": "120",
            "money_spent": "60000",
        },
    )
    assert response.status_code == 302
    update = MeasureUpdate.objects.get()
    assert (update.previous_status, update.status) == ("planned", "ongoing")
    assert Measure.objects.get(pk=measure.pk).status == "ongoing"
    page = login(coordinator).get(url("plan-follow-up", pk=decided.pk)).text
    assert "120" in page and "60" in page and "Känner sig otrygga" in page


def test_others_cannot_post_updates_and_hostile_input_saves_nothing(
    login, decided, measure, company_partner, police_partner, coordinator, admin_user
):
    other = make_user("burlov.other", decided.municipality, "member")
    data = {"date": days(0).isoformat(), "status": "done", "output": "x"}
    for user in (other, company_partner, police_partner):
        response = login(user).post(url("measure-update-create", pk=measure.pk), data)
        assert response.status_code == 403
    for bad in (
        {**data, "output": "nul\x00byte"},
        {**data, "output": "x" * 10_001},
        {**data, "date": "1999-12-31"},
        {**data, "date": days(1).isoformat()},
        {**data, "hours_spent": "-1"},
        {**data, "money_spent": "1e400"},
        {**data, "status": "nonsense"},
    ):
        response = login(coordinator).post(url("measure-update-create", pk=measure.pk), bad)
        assert response.status_code == 400, bad
    assert not MeasureUpdate.objects.exists()
    assert Measure.objects.get(pk=measure.pk).status == "planned"


def test_a_draft_plans_measure_is_not_followed_up(login, coordinator, measure):
    response = login(coordinator).post(
        url("measure-update-create", pk=measure.pk),
        {"date": days(0).isoformat(), "status": "done", "output": "x"},
    )
    assert response.status_code == 403 and not MeasureUpdate.objects.exists()


def test_late_and_stale_are_derived(draft, measure, member, coordinator):
    Measure.objects.filter(pk=measure.pk).update(start_date=days(-200), end_date=days(-1))
    decide(draft, coordinator, date=days(-150))
    decided = ActionPlan.objects.get(pk=draft.pk)
    data = plans.follow_up(ActionPlan.objects.get(pk=decided.pk))
    assert [m.pk for m in data["late"]] == [measure.pk]
    assert [m.pk for m in data["stale"]] == [measure.pk]
    row = data["targets"][0]
    assert row["value"].value == Decimal("24") and row["met"] is False
    MeasureUpdate.objects.create(
        measure=measure, author=member, output="x", status="done", previous_status="planned"
    )
    Measure.objects.filter(pk=measure.pk).update(status="done")
    data = plans.follow_up(ActionPlan.objects.get(pk=decided.pk))
    assert data["late"] == [] and data["stale"] == []


def test_the_agreement_action_and_the_promise_show_their_measure(
    login, coordinator, company_partner, draft, measure, agreement_parts
):
    Measure.objects.filter(pk=measure.pk).update(
        agreement_action=agreement_parts["action"], citizen_promise=agreement_parts["promise"]
    )
    action_url = agreement_parts["action"].get_absolute_url()
    agreement_url = agreement_parts["agreement"].get_absolute_url()
    assert measure.title in login(coordinator).get(action_url).text
    assert measure.title in login(coordinator).get(agreement_url).text
    # A draft plan's measure is the managers' work in progress.
    assert measure.title not in login(company_partner).get(action_url).text
    assert measure.title not in login(company_partner).get(agreement_url).text
    decide(ActionPlan.objects.get(pk=draft.pk), coordinator)
    assert measure.title in login(company_partner).get(action_url).text


# --- The annual follow-up report ------------------------------------------------------------


def test_the_annual_follow_up_report_is_compiled_reviewed_approved_and_locked(
    login,
    decided,
    measure,
    member,
    coordinator,
    chair,
    council,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    MeasureUpdate.objects.create(
        measure=measure,
        author=member,
        date=datetime.date(2025, 6, 1),
        output="Utfört: 42 kvällar",
        process="Gick bra",
        effect="Färre larm",
        status="ongoing",
        previous_status="planned",
        hours_spent=Decimal("120"),
        money_spent=Decimal("60000"),
    )
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("plan-report-create", pk=decided.pk), {"year": "2025", "body": council.pk}
        )
    report = SituationReport.objects.follow_ups().get()
    assert response.status_code == 302 and report.action_plan == decided
    assert report.status == SituationReport.Status.DRAFT
    problem = report.data["problems"][0]
    assert problem["title"] == "Ungdomsbrottslighet i Arlöv"
    row = problem["measures"][0]
    assert row["output"] == ["Utfört: 42 kvällar"] and row["hours_used"] == "120.0"
    assert row["indicators"][0]["value"] == "24" and row["indicators"][0]["met"] is False
    assert report.data["totals"]["measures"] == 1
    # A second one for the same year is refused.
    with pytest.raises(plans.PlanError):
        plans.create_follow_up_report(decided, 2025, council)
    client.post(url("report-section", pk=report.pk), {"key": "recommendations", "text": "Fortsätt"})
    workflow.submit_for_review(report, coordinator)
    workflow.approve(SituationReport.objects.get(pk=report.pk), chair)
    report = SituationReport.objects.get(pk=report.pk)
    assert report.is_locked
    text = pdf_text(BytesIO(client.get(url("report-pdf", pk=report.pk)).content))
    assert "Ungdomsbrottslighet i Arlöv" in text and measure.title in text
    assert "Fortsätt" in text and "Kommunstyrelsen" in text


def test_the_follow_up_names_what_changed_in_the_lagesbild(
    decided, coordinator, chair, council, burlov
):
    newer = compiling.compile_report(
        compiling.create_strategic_report(
            burlov, council, datetime.date(2026, 1, 1), days(-1), user=coordinator
        ).pk
    )
    old = decided.based_on.problems.get(title="Ungdomsbrottslighet i Arlöv")
    Problem.objects.create(
        report=newer, title=old.title, description="x", priority="medium", continues=old
    )
    Problem.objects.create(report=newer, title="Bedrägerier mot äldre", description="x")
    workflow.submit_for_review(newer, coordinator)
    workflow.approve(SituationReport.objects.get(pk=newer.pk), chair)
    changes = plans.lagesbild_changes(decided, days(0))
    states = {
        row["title"]: (row["state"], row["before"], row["now"]) for row in changes["problems"]
    }
    assert states == {
        "Ungdomsbrottslighet i Arlöv": ("continued", "high", "medium"),
        "Bedrägerier mot äldre": ("new", None, "medium"),
        "Otrygghet kvällstid vid stationen": ("gone", "medium", None),
    }


# --- The decision register -----------------------------------------------------------------------


def test_a_decision_in_approved_minutes_is_entered_from_the_minutes_page(
    login, coordinator, council, burlov
):
    meeting = MeetingFactory(municipality=burlov, body=council, start=timezone.now())
    AgendaItem.objects.create(meeting=meeting, title="Budget", position=1)
    AgendaItem.objects.create(
        meeting=meeting, title="Trygghetsvandring", position=2, decisions="Rådet beslutar X."
    )
    snapshot = {
        "items": [
            {"number": 1, "title": "Budget", "decisions": ""},
            {"number": 2, "title": "Trygghetsvandring", "decisions": "Rådet beslutar X."},
        ]
    }
    MinutesVersion.objects.create(
        meeting=meeting, number=1, snapshot=snapshot, approved_by=coordinator
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.MINUTES_APPROVED)
    client = login(coordinator)
    minutes = client.get(
        reverse("meetings:minutes", kwargs={"municipality": "burlov", "pk": meeting.pk})
    ).text
    link = f"{url('decision-create')}?meeting={meeting.pk}&amp;item=2"
    assert link in minutes and "item=1" not in minutes
    form = client.get(f"{url('decision-create')}?meeting={meeting.pk}&item=2").text
    assert "Rådet beslutar X." in form and 'value="§ 2"' in form
    response = client.post(
        url("decision-create"),
        {
            "made_by": "body",
            "body": council.pk,
            "meeting": meeting.pk,
            "paragraph": "§ 2",
            "date": timezone.localdate(meeting.start).isoformat(),
            "title": "Trygghetsvandring",
            "text": "Rådet beslutar X.",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.get().meeting == meeting
    # Nonsense or another municipality's meeting fills nothing in, and fails nothing.
    for query in (
        "?meeting=x&item=2",
        f"?meeting={meeting.pk}&item=99",
        "?meeting=99999999999999999999",
    ):
        assert client.get(url("decision-create") + query).status_code == 200


def test_a_decision_of_a_body_names_it(login, coordinator):
    response = login(coordinator).post(
        url("decision-create"),
        {"made_by": "body", "date": days(0).isoformat(), "title": "X", "text": "Y"},
    )
    assert response.status_code == 400 and not Decision.objects.exists()


# --- The public page ----------------------------------------------------------------------------


@pytest.fixture
def hidden_measure(draft, problems, municipal_admin_org, member):
    """A measure of the plan not marked public, made before the plan is decided."""
    made = Measure.objects.create(
        plan=draft,
        title=f"{CANARY} inte publik",
        description="x",
        responsible_organisation=municipal_admin_org,
        responsible_person=member,
        start_date=days(0),
        end_date=days(10),
    )
    made.problems.set([problems[1]])
    return made


@pytest.fixture
def public_world(hidden_measure, burlov, decided, agreement_parts, areas):
    """A public plan with a non-public measure, a public and a non-public promise, a published
    and an unpublished summary, and a restricted incident: canaries everywhere."""
    plans.set_public(decided, True)
    promise = agreement_parts["promise"]
    plans.set_public(promise, True)
    CitizenPromise.objects.create(
        agreement=agreement_parts["agreement"], title=f"{CANARY} löfte inte publikt"
    )
    PublicSummary.objects.create(
        municipality=burlov,
        title="Lägesbild 2025 i korthet",
        text="Färre inbrott.",
        is_published=True,
        published_on=days(0),
    )
    PublicSummary.objects.create(municipality=burlov, title=f"{CANARY} utkast", text="x")
    incident(
        burlov,
        days(-1),
        "violence",
        areas["Arlöv"],
        confidentiality=Incident.Confidentiality.RESTRICTED,
        description=f"{CANARY} sekretess",
    )
    return {"hidden": hidden_measure, "promise": promise}


def test_the_public_page_shows_only_what_was_marked_public(
    client, burlov, public_world, decided, measure
):
    page = client.get(url("public-page"))
    assert page.status_code == 200
    text = page.text
    assert decided.summary in text and measure.title in text
    assert public_world["promise"].title in text and "Lägesbild 2025 i korthet" in text
    assert CANARY not in text
    assert 'href="/accessibility/"' in text


def test_a_non_public_measure_and_an_undecided_plan_stay_off_the_public_page(
    client, burlov, decided, measure, coordinator, municipal_admin_org, member
):
    plans.set_public(decided, True)
    plans.set_public(Measure.objects.get(pk=measure.pk), False)
    assert measure.title not in client.get(url("public-page")).text
    revision = plans.revise(decided, coordinator, "Översyn")
    plans.set_public(revision, True)
    copy = revision.measures.get()
    plans.set_public(copy, True)
    text = client.get(url("public-page")).text
    assert decided.summary in text
    assert (
        reverse(
            "situation_reports:plan-detail", kwargs={"municipality": "burlov", "pk": revision.pk}
        )
        not in text
    )
    plans.set_public(ActionPlan.objects.get(pk=decided.pk), False)
    assert decided.summary not in client.get(url("public-page")).text


def test_the_public_page_of_an_unknown_municipality_is_404(client, burlov):
    assert client.get("/nowhere/public/").status_code == 404


def test_the_accessibility_statement_is_linked_from_every_page(client, login, member, burlov):
    statement = client.get("/accessibility/")
    assert statement.status_code == 200 and "Digg" in statement.text
    assert 'href="/accessibility/"' in client.get(reverse("login")).text
    assert 'href="/accessibility/"' in login(member).get("/burlov/").text


def test_managers_publish_item_by_item(
    login, coordinator, member, decided, measure, agreement_parts
):
    client = login(coordinator)
    assert client.get(url("public-manage")).status_code == 200
    client.post(url("promise-publish", pk=agreement_parts["promise"].pk), {"public": "1"})
    assert CitizenPromise.objects.get(pk=agreement_parts["promise"].pk).is_public
    client.post(url("measure-publish", pk=measure.pk), {"public": "0"})
    assert not Measure.objects.get(pk=measure.pk).is_public
    client.post(url("summary-create"), {"title": "S", "text": "T", "is_published": "on"})
    assert PublicSummary.objects.get().published_on == days(0)
    assert login(member).get(url("public-manage")).status_code == 403
    assert (
        login(member).post(url("measure-publish", pk=measure.pk), {"public": "1"}).status_code
        == 403
    )


# --- Who may do what -----------------------------------------------------------------------------


def test_access_per_role(login, users_by_role, decided, measure, draft):
    revision = plans.revise(decided, users_by_role["coordinator"], "Översyn")
    readable = [
        url("plan-list"),
        url("plan-detail", pk=decided.pk),
        url("plan-follow-up", pk=decided.pk),
        url("measure-detail", pk=measure.pk),
        url("decision-list"),
        url("decision-detail", pk=Decision.objects.get().pk),
    ]
    managers_only = [url("plan-create"), url("decision-create"), url("public-manage")]
    for role, user in users_by_role.items():
        client = login(user)
        for address in readable:
            expected = 404 if role == "outsider" else 200
            assert client.get(address).status_code == expected, (role, address)
        # A draft (the revision) is the managers'.
        draft_page = client.get(url("plan-detail", pk=revision.pk)).status_code
        assert draft_page == (200 if role in ("admin", "coordinator") else 404), role
        for address in managers_only:
            expected = {"admin": 200, "coordinator": 200, "outsider": 404}.get(role, 403)
            assert client.get(address).status_code == expected, (role, address)
        if role not in ("admin", "coordinator"):
            status = client.post(url("plan-revise", pk=decided.pk), {"reason": "x"}).status_code
            assert status in (403, 404)
    assert ActionPlan.objects.count() == 2


# --- Navigation and query counts -------------------------------------------------------------


def test_the_navigation_shows_where_a_page_belongs(login, coordinator, decided, measure, council):
    report = plans.create_follow_up_report(decided, 2025, council, coordinator)
    client = login(coordinator)
    for address in (
        report.get_absolute_url(),
        measure.get_absolute_url(),
        url("decision-list"),
        url("public-manage"),
    ):
        active = [i["label"] for i in client.get(address).context["nav_items"] if i["active"]]
        assert active == ["Åtgärdsplan"], address
    strategic = client.get(decided.based_on.get_absolute_url()).context["nav_items"]
    assert [i["label"] for i in strategic if i["active"]] == ["Strategisk lägesbild"]


def _queries(client, address):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def _add_measures(plan, n, problems, organisation, person, indicator):
    for number in range(n):
        extra = Measure.objects.create(
            plan=plan,
            title=f"Åtgärd {number}",
            description="x",
            responsible_organisation=organisation,
            responsible_person=person,
            start_date=days(-100),
            end_date=days(100),
            is_public=True,
        )
        extra.problems.set(problems)
        MeasureIndicator.objects.create(
            measure=extra,
            indicator=indicator,
            baseline=Decimal("30"),
            baseline_year=2024,
            target=Decimal("20"),
            target_year=2026,
        )


def test_the_plan_pages_take_as_many_queries_for_twelve_measures_as_for_one(
    login, coordinator, draft, measure, problems, municipal_admin_org, member, indicator
):
    client = login(coordinator)
    addresses = [url("plan-detail", pk=draft.pk), url("plan-follow-up", pk=draft.pk)]
    one = [_queries(client, address) for address in addresses]
    _add_measures(draft, 11, problems, municipal_admin_org, member, indicator)
    assert [_queries(client, address) for address in addresses] == one


def test_the_public_page_takes_few_queries_whatever_it_shows(
    client,
    draft,
    measure,
    problems,
    municipal_admin_org,
    member,
    indicator,
    coordinator,
    agreement_parts,
    django_assert_max_num_queries,
):
    _add_measures(draft, 11, problems, municipal_admin_org, member, indicator)
    decide(draft, coordinator)
    plans.set_public(ActionPlan.objects.get(pk=draft.pk), True)
    for n in range(5):
        promise = CitizenPromise.objects.create(
            agreement=agreement_parts["agreement"], title=f"Löfte {n}", is_public=True
        )
        promise.updates.create(author=member, note="Gjort", status="ongoing")
    with django_assert_max_num_queries(8):
        page = client.get(url("public-page"))
    assert page.text.count("Åtgärd ") >= 11 and page.text.count("Löfte ") == 5


def test_one_follow_up_per_plan_and_year_in_the_database(decided, council, coordinator):
    report = plans.create_follow_up_report(decided, 2025, council, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        compiling.create_report(
            decided.municipality,
            report.period_start,
            report.period_end,
            body=council,
            kind=report.kind,
            action_plan=decided,
        )


def test_a_draft_with_measures_keeps_the_lagesbild_they_answer(
    login, coordinator, draft, measure, burlov, council, chair
):
    other = compiling.compile_report(
        compiling.create_strategic_report(
            burlov, council, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
        ).pk
    )
    workflow.submit_for_review(other, coordinator)
    workflow.approve(SituationReport.objects.get(pk=other.pk), chair)
    response = login(coordinator).post(
        url("plan-edit", pk=draft.pk),
        {
            "title": "Åtgärdsplan",
            "first_year": "2023",
            "last_year": "2026",
            "based_on": other.pk,
            "summary": "Tryggare Burlöv.",
        },
    )
    assert response.status_code == 400
    assert ActionPlan.objects.get(pk=draft.pk).based_on_id == draft.based_on_id
