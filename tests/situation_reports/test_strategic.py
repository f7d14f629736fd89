"""Issue 13, the strategic lägesbild: its figures against numbers computed independently (the
incidents built here, the police file cut into the comparisons fixture), the count rule per
reader, the workflow to an approved official record that neither the app nor SQL can change,
its problems with their cause analysis, the pages per role, hostile input and the PDF."""

import datetime
import re
from collections import Counter
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse

from councils.models import Body, Membership
from situation_reports.models import (
    Incident,
    IndicatorValue,
    Problem,
    ReportLocked,
    ReportSection,
    SituationReport,
)
from situation_reports.models.indicators import Indicator
from situation_reports.services import compiling, strategic, workflow
from tests.factories import BodyFactory, MembershipFactory, make_user

from .report_helpers import category, incident
from .test_comparisons import EVENTS, FIXTURES, expected_rates
from .test_report_views import pdf_text

pytestmark = pytest.mark.django_db

YEAR = 2025
START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)


@pytest.fixture
def counted_police(db):
    call_command("load_municipality_reference", str(FIXTURES), "--year", "2023", stdout=StringIO())
    call_command("aggregate_police_events", str(EVENTS), stdout=StringIO())


@pytest.fixture
def council(burlov, coordinator, member):
    body = BodyFactory(municipality=burlov, name="Brottsförebyggande rådet")
    body.kind = Body.Kind.STRATEGIC_COUNCIL
    body.save()
    MembershipFactory(body=body, user=member)
    MembershipFactory(body=body, user=coordinator, role=Membership.Role.SECRETARY)
    return body


@pytest.fixture
def chair(burlov, council):
    user = make_user("burlov.chair", burlov, "member")
    Membership.objects.create(body=council, user=user, role=Membership.Role.CHAIR)
    return user


@pytest.fixture
def incidents(burlov, eslov, areas):
    """Incidents over three years in two categories, one restricted, one withdrawn, one of
    another municipality: the list of all, so the tests count independently."""
    made = []
    for year, n in ((2023, 4), (2024, 6), (2025, 9)):
        for i in range(n):
            made.append(
                incident(burlov, datetime.date(year, 1 + i % 12, 10), "theft", areas["Arlöv"])
            )
    for month in (6, 6, 7):
        made.append(incident(burlov, datetime.date(2025, month, 3), "vandalism", areas["Åkarp"]))
    made.append(
        incident(
            burlov,
            datetime.date(2025, 3, 3),
            "violence",
            areas["Arlöv"],
            confidentiality=Incident.Confidentiality.RESTRICTED,
            description="Misshandel på Hemliga gränd 3",
        )
    )
    made.append(
        incident(burlov, datetime.date(2025, 4, 4), "theft", status=Incident.Status.WITHDRAWN)
    )
    made.append(incident(eslov, datetime.date(2025, 4, 4), "theft"))
    return made


def expected(made, municipality, *, year=None, code=None, open_only=False, month=None):
    return sum(
        1
        for i in made
        if i.municipality_id == municipality.pk
        and i.status != Incident.Status.WITHDRAWN
        and (year is None or i.occurred_on.year == year)
        and (month is None or i.occurred_on.month == month)
        and (code is None or i.category.code == code)
        and (not open_only or i.confidentiality == Incident.Confidentiality.OPEN)
    )


def compiled(burlov, council, user=None):
    report = compiling.create_strategic_report(burlov, council, START, END, user=user)
    return compiling.compile_report(report.pk)


# --- The figures ---------------------------------------------------------------------------------


def test_the_survey_counts_years_categories_and_months_as_counted_independently(
    burlov, council, incidents
):
    data = compiled(burlov, council).data
    # Five years at most, from the first year with incidents (2023 here).
    assert data["years"] == [2023, 2024, 2025]
    by_year = {row["year"]: row["count"] for row in data["incidents"]["by_year"]}
    for year in data["years"]:
        assert by_year[year] == expected(incidents, burlov, year=year)
    assert data["incidents"]["period_total"] == expected(incidents, burlov, year=2025)
    theft = next(r for r in data["incidents"]["categories"] if r["label"] == category("theft").name)
    assert theft["years"][-3:] == [
        expected(incidents, burlov, year=y, code="theft") for y in (2023, 2024, 2025)
    ]
    # The yearly cycle: month × category over the trend years.
    vandalism = next(
        r for r in data["incidents"]["heat"] if r["label"] == category("vandalism").name
    )
    assert vandalism["cells"][5] == expected(incidents, burlov, code="vandalism", month=6) == 2
    # Per 1,000 inhabitants, from the municipality's population (no reference list loaded).
    row = next(r for r in data["incidents"]["by_year"] if r["year"] == 2025)
    assert row["rate"] == round(1000 * expected(incidents, burlov, year=2025) / 20042, 2)


def test_open_figures_leave_out_restricted_incidents(burlov, council, incidents):
    data = compiled(burlov, council).data
    assert data["open"]["incidents"]["period_total"] == expected(
        incidents, burlov, year=2025, open_only=True
    )
    assert data["open"]["incidents"]["period_total"] == data["incidents"]["period_total"] - 1


def test_police_rates_against_county_and_country_match_the_file(burlov, council, counted_police):
    data = compiled(burlov, council).data
    police = data["police"]
    assert police["available"] and police["county"] == "Skåne län"
    years = {row["year"]: row for row in police["by_year"]}
    for year, row in years.items():
        own, county, country = expected_rates("Burlöv", year)
        assert row["rate"] == pytest.approx(own)
        assert row["county_rate"] == pytest.approx(county)
        assert row["country_rate"] == pytest.approx(country)
    for row in police["types"]:
        own, county, country = expected_rates("Burlöv", police["types_year"], row["event_type"])
        assert (row["rate"], row["county_rate"], row["country_rate"]) == pytest.approx(
            (own, county, country)
        )
    assert data["population"] == {"count": 20042, "year": 2023}
    assert {s["key"] for s in data["sources"]} >= {"incidents", "police", "population"}


def test_indicators_go_to_their_section_with_source_and_date(burlov, council):
    unsafe = Indicator.objects.get(code="otrygghet-kvall")
    fires = Indicator.objects.get(code="brand-byggnad")
    for indicator, value in ((unsafe, "23.5"), (fires, "12")):
        IndicatorValue.objects.create(
            municipality=burlov, indicator=indicator, period="year", year=2025, value=value
        )
    # A figure of the year after the period is not the 2025 lägesbild's.
    IndicatorValue.objects.create(
        municipality=burlov, indicator=unsafe, period="year", year=2026, value="20"
    )
    data = compiled(burlov, council).data
    consequences = data["indicators"]["consequences"]
    other = data["indicators"]["other_information"]
    assert [i["name"] for i in consequences] == [unsafe.name]
    assert [i["name"] for i in other] == [fires.name]
    assert consequences[0]["values"] == [{"period": "2025", "value": "23.500", "demo": False}]
    assert consequences[0]["source"] == unsafe.source and consequences[0]["updated"]
    assert any(unsafe.source in s["detail"] for s in data["sources"])


def test_the_benchmark_shape_stays_bounded_in_queries(
    burlov, council, incidents, django_assert_max_num_queries
):
    report = compiling.create_strategic_report(burlov, council, START, END)
    with django_assert_max_num_queries(40):
        strategic.compute(burlov, START, END)
    assert report.is_strategic


# --- The pages, per role -------------------------------------------------------------------------


def url(name, **kwargs):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov", **kwargs})


def test_a_coordinator_compiles_one_from_the_list(
    login, coordinator, council, incidents, eager_celery, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    assert client.get(url("strategic-list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("strategic-create"), {"body": council.pk, "period": "year", "year": YEAR}
        )
    report = SituationReport.objects.strategic().get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.period_start, report.period_end, report.body) == (START, END, council)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Strategisk lägesbild Burlöv 2025" in page
    total = expected(incidents, report.municipality, year=YEAR)
    assert f'data-figure="period-total">{total}<' in page
    # Not among the operational reports.
    assert report.display_title not in client.get(url("report-list")).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"period": "year", "year": "99999"}, "Kontrollera"),
        ({"period": "year", "year": "abc"}, "heltal"),
        ({"period": "custom", "start": "2025-05-01", "end": "2025-01-01"}, "innan den börjar"),
        ({"period": "custom", "start": "1800-01-01", "end": "2025-01-01"}, "2000"),
        ({"period": "custom", "start": "2015-01-01", "end": "2025-01-01"}, "fem år"),
        ({"period": "custom", "start": "2025-01-01\x00", "end": "2025-02-01"}, ""),
    ],
)
def test_a_bad_period_is_refused_with_a_message_and_nothing_made(
    login, coordinator, council, data, message
):
    response = login(coordinator).post(url("strategic-create"), {"body": council.pk, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SituationReport.objects.exists()


def test_a_situation_group_cannot_own_a_strategic_report(login, coordinator, situation_group):
    response = login(coordinator).post(
        url("strategic-create"), {"body": situation_group.pk, "period": "year", "year": YEAR}
    )
    assert response.status_code == 400 and not SituationReport.objects.exists()


def test_who_may_do_what(login, users_by_role, burlov, council, incidents):
    report = compiled(burlov, council, user=users_by_role["coordinator"])
    problem = Problem.objects.create(report=report, title="Stölder vid stationen", description="x")
    for role in ("admin", "coordinator", "member", "police_partner", "company_partner"):
        client = login(users_by_role[role])
        assert client.get(report.get_absolute_url()).status_code == 200, role
        assert client.get(url("problem-detail", pk=problem.pk)).status_code == 200, role
        assert client.get(url("problem-register")).status_code == 200, role
        assert client.get(url("report-pdf", pk=report.pk)).status_code == 200, role
    for role in ("member", "police_partner", "company_partner"):
        client = login(users_by_role[role])
        assert (
            client.post(
                url("strategic-create"), {"body": council.pk, "period": "year", "year": YEAR}
            ).status_code
            == 403
        )
        assert client.get(url("problem-create", report_pk=report.pk)).status_code == 403
        assert client.post(url("problem-delete", pk=problem.pk)).status_code == 403
    outsider = login(users_by_role["outsider"])
    eslov_url = reverse(
        "situation_reports:problem-detail", kwargs={"municipality": "eslov", "pk": problem.pk}
    )
    assert outsider.get(eslov_url).status_code == 404
    assert (
        outsider.get(
            reverse(
                "situation_reports:report-detail", kwargs={"municipality": "eslov", "pk": report.pk}
            )
        ).status_code
        == 404
    )
    assert Problem.objects.filter(pk=problem.pk).exists()


def test_a_private_company_sees_open_figures_and_no_restricted_detail(
    login, burlov, council, incidents, company_partner, police_partner
):
    report = compiled(burlov, council)
    shown = lambda user: login(user).get(report.get_absolute_url()).content.decode()  # noqa: E731
    total = expected(incidents, burlov, year=2025)
    assert f'data-figure="period-total">{total - 1}<' in shown(company_partner)
    assert f'data-figure="period-total">{total}<' in shown(police_partner)
    partner_pdf = pdf_text(
        BytesIO(login(company_partner).get(url("report-pdf", pk=report.pk)).content)
    )
    assert "Hemliga gränd" not in partner_pdf


# --- Problems and their cause analysis ----------------------------------------------------------


PROBLEM = {
    "title": "Skadegörelse vid Åkarps skola",
    "priority": "high",
    "description": "Återkommande krossade fönster kvällstid.",
    "causes": "Ungdomar samlas när skolgården är obevakad.",
    "offenders": "Grupper av unga",
    "targets": "Skolans fönster",
    "situations": "Kvällar, mörk skolgård utan vuxna",
    "evidence": "Händelser 2023–2025, skolans rapporter",
}


def test_a_problem_is_written_with_its_cause_analysis(
    login, coordinator, burlov, council, areas, incidents
):
    report = compiled(burlov, council, user=coordinator)
    client = login(coordinator)
    response = client.post(
        url("problem-create", report_pk=report.pk),
        {**PROBLEM, "areas": [areas["Åkarp"].pk], "categories": [category("vandalism").pk]},
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert [a.name for a in problem.areas.all()] == ["Åkarp"]
    assert problem.has_cause_analysis and problem.report == report
    page = client.get(report.get_absolute_url()).content.decode()
    assert PROBLEM["title"] in page and PROBLEM["offenders"] in page
    register = client.get(url("problem-register") + "?priority=high").content.decode()
    assert PROBLEM["title"] in register


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": "x" * 201}, "som mest 200 tecken"),
        ({"title": "Nollbyte\x00här"}, "tecken"),
        ({"title": ""}, "måste fyllas i"),
        ({"priority": "urgent"}, "giltigt alternativ"),
    ],
)
def test_a_bad_problem_is_refused_and_nothing_saved(
    login, coordinator, burlov, council, change, message
):
    report = compiled(burlov, council, user=coordinator)
    response = login(coordinator).post(
        url("problem-create", report_pk=report.pk), {**PROBLEM, **change}
    )
    assert response.status_code == 400
    assert message in " ".join(errors(response))
    assert not Problem.objects.exists()


def errors(response):
    """The error messages a form page shows."""
    return re.findall(
        r'id="error_\d+_id_\w+"[^>]*><strong>(.*?)</strong>', response.content.decode()
    )


def test_an_area_of_another_municipality_is_refused(login, coordinator, burlov, eslov, council):
    from tests.factories import AreaFactory

    elsewhere = AreaFactory(municipality=eslov, name="Eslövs centrum")
    report = compiled(burlov, council, user=coordinator)
    response = login(coordinator).post(
        url("problem-create", report_pk=report.pk), {**PROBLEM, "areas": [elsewhere.pk]}
    )
    assert response.status_code == 400 and not Problem.objects.exists()


# --- Review, approval, the official record --------------------------------------------------------


def approved(report, coordinator, chair):
    workflow.submit_for_review(report, coordinator)
    return workflow.approve(SituationReport.objects.get(pk=report.pk), chair)


def test_review_and_approval_through_the_pages(
    login, coordinator, chair, member, burlov, council, incidents
):
    report = compiled(burlov, council, user=coordinator)
    login(coordinator).post(
        url("report-section", pk=report.pk), {"key": "analysis", "text": "Analysen"}
    )
    assert ReportSection.objects.get(report=report).key == "analysis"
    login(coordinator).post(url("report-step", pk=report.pk, step="submit"))
    login(member).post(
        url("report-comment", pk=report.pk), {"section": "conclusions", "text": "Bra"}
    )
    assert report.comments.get().section == "conclusions"
    assert login(member).post(url("report-step", pk=report.pk, step="approve")).status_code == 403
    login(chair).post(url("report-step", pk=report.pk, step="approve"))
    report.refresh_from_db()
    assert report.is_approved and report.approved_by == chair


def test_an_approved_report_and_its_problems_cannot_change(
    coordinator, chair, burlov, council, areas
):
    report = compiled(burlov, council, user=coordinator)
    problem = Problem.objects.create(report=report, title="Problem", description="x")
    problem.areas.add(areas["Arlöv"])
    report = approved(report, coordinator, chair)
    problem.refresh_from_db()
    problem.title = "Ändrat"
    with pytest.raises(ReportLocked):
        problem.save()
    with pytest.raises(ReportLocked):
        problem.delete()
    with pytest.raises(ReportLocked):
        Problem(report=report, title="Nytt", description="x").save()
    # The database refuses the paths around save(): an update, a link, a new row.
    for attempt in (
        lambda: Problem.objects.filter(pk=problem.pk).update(title="SQL"),
        lambda: problem.areas.add(areas["Åkarp"]),
        lambda: problem.areas.clear(),
        lambda: Problem.objects.bulk_create([Problem(report=report, title="B", description="x")]),
        lambda: SituationReport.objects.filter(pk=report.pk).update(data={}),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    problem.refresh_from_db()
    assert problem.title == "Problem" and problem.areas.count() == 1
    with pytest.raises(ReportLocked):
        workflow.save_section(report, "analysis", "Ändrad", coordinator)


def test_the_problem_pages_refuse_changes_once_approved(login, coordinator, chair, burlov, council):
    report = compiled(burlov, council, user=coordinator)
    problem = Problem.objects.create(report=report, title="Problem", description="x")
    approved(report, coordinator, chair)
    client = login(coordinator)
    assert client.post(url("problem-edit", pk=problem.pk), PROBLEM).status_code == 403
    assert client.post(url("problem-delete", pk=problem.pk)).status_code == 403
    assert client.get(url("problem-detail", pk=problem.pk)).status_code == 200
    assert Problem.objects.get().title == "Problem"


def test_a_new_version_carries_the_problems_forward(coordinator, chair, burlov, council, areas):
    report = compiled(burlov, council, user=coordinator)
    problem = Problem.objects.create(report=report, title="Problem", description="x")
    problem.areas.add(areas["Arlöv"])
    report = approved(report, coordinator, chair)
    copy = workflow.new_version(report, coordinator, "Rättad siffra")
    assert copy.is_strategic and copy.body == council and copy.status == "draft"
    carried = copy.problems.get()
    assert carried.continues == problem and [a.name for a in carried.areas.all()] == ["Arlöv"]
    # The register shows the current version's problem only.
    assert list(Problem.objects.in_municipality(burlov).current()) == [carried]


def test_the_pdf_is_the_lagesbild_with_its_sections(
    login, coordinator, burlov, council, incidents, counted_police
):
    report = compiled(burlov, council, user=coordinator)
    Problem.objects.create(
        report=report, title="Stölder vid stationen", description="Många", priority="high"
    )
    response = login(coordinator).get(url("report-pdf", pk=report.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "strategisk-lagesbild-burlov-2025-12-31.pdf" in response["Content-Disposition"]
    text = pdf_text(BytesIO(response.content))
    for heading in ("Kartläggning", "Konsekvenser", "Övrig information", "Analys", "Slutsatser"):
        assert heading in text
    assert "Stölder vid stationen" in text and "Polisens öppna data" in text


def test_the_counts_match_a_recount_of_categories(burlov, council, incidents):
    data = compiled(burlov, council).data
    recount = Counter(
        i.category.name
        for i in incidents
        if i.municipality_id == burlov.pk
        and i.status != Incident.Status.WITHDRAWN
        and i.occurred_on.year == 2025
    )
    assert {
        r["label"]: r["years"][-1] for r in data["incidents"]["categories"] if r["years"][-1]
    } == dict(recount)


def test_the_trend_reaches_five_years_back_at_most_and_not_before_the_data():
    day = datetime.date
    assert strategic.trend_years(day(2025, 1, 1), day(2025, 12, 31)) == [
        2021,
        2022,
        2023,
        2024,
        2025,
    ]
    assert strategic.trend_years(day(2025, 1, 1), day(2025, 12, 31), day(2024, 5, 1)) == [
        2024,
        2025,
    ]
    assert strategic.trend_years(day(2023, 1, 1), day(2025, 12, 31), day(2024, 5, 1)) == [
        2023,
        2024,
        2025,
    ]
    assert strategic.trend_years(day(2025, 1, 1), day(2025, 12, 31), day(2010, 1, 1)) == [
        2021,
        2022,
        2023,
        2024,
        2025,
    ]


def test_a_lagesbild_in_review_waits_for_the_councils_chair(
    login, coordinator, chair, burlov, council
):
    report = compiled(burlov, council, user=coordinator)
    workflow.submit_for_review(report, coordinator)
    page = login(chair).get(reverse("dashboard", kwargs={"municipality": "burlov"}))
    assert "Strategisk lägesbild Burlöv 2025" in page.content.decode()
