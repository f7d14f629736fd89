"""The demo's strategic lägesbild (issue 13): Burlöv and Eslöv each have an approved one for
2025 with problems and their cause analysis, its page and PDF open, and seeding again changes
nothing."""

import datetime

import pytest
from django.urls import reverse

from situation_reports.demo import seed_strategic
from situation_reports.models import Problem, SituationReport, UpcomingEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_each_demo_municipality_has_an_approved_strategic_lagesbild_for_2025(demo_world, client):
    world = demo_world()
    for municipality in (world.burlov, world.eslov):
        report = SituationReport.objects.strategic().get(municipality=municipality)
        assert report.is_approved and report.approved_by is not None
        assert (report.period_start, report.period_end) == (
            datetime.date(2025, 1, 1),
            datetime.date(2025, 12, 31),
        )
        assert report.data["incidents"]["period_total"] > 0
        assert report.sections.count() == 5
        assert report.sections.get(key="survey").text.startswith("Demodata:")
        problems = list(report.problems.all())
        assert 2 <= len(problems) <= 3
        for problem in problems:
            assert problem.causes and problem.offenders and problem.targets and problem.situations
            assert problem.areas.exists() and problem.categories.exists()
        # The survey's police figures are the compiled ones (the texts fit the data).
        police_2025 = next(y for y in report.data["police"]["by_year"] if y["year"] == 2025)
        survey = report.sections.get(key="survey").text
        assert f"publicerade polisen {police_2025['count']} händelser" in survey
        assert f"{police_2025['rate']:.1f}".replace(".", ",") + " per 1 000" in survey
        projects = UpcomingEvent.objects.filter(
            municipality=municipality, kind=UpcomingEvent.Kind.BUILDING_PROJECT
        )
        assert 2 <= projects.count() <= 3
        assert all(p.starts_on.year == 2027 for p in projects)
        planned = {i["title"] for i in report.data["planned"]["items"]}
        assert set(projects.values_list("title", flat=True)) <= planned
        coordinator = make_user(f"{municipality.slug}.readers", municipality, "coordinator")
        client.force_login(coordinator)
        page = client.get(report.get_absolute_url())
        assert page.status_code == 200 and problems[0].title in page.content.decode()
        pdf = client.get(
            reverse(
                "situation_reports:report-pdf",
                kwargs={"municipality": municipality.slug, "pk": report.pk},
            )
        )
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    counts = (
        SituationReport.objects.count(),
        Problem.objects.count(),
        UpcomingEvent.objects.count(),
    )
    assert seed_strategic() == 0
    assert (
        SituationReport.objects.count(),
        Problem.objects.count(),
        UpcomingEvent.objects.count(),
    ) == counts
