"""The demo gives a new user a history of approved reports and one in review for the next
meeting; running it again changes nothing."""

import pytest
from django.core.management import call_command

from meetings.models import AgendaItem
from situation_reports.demo import seed_reports
from situation_reports.models import SituationReport

pytestmark = pytest.mark.django_db


def test_the_demo_compiles_and_approves_reports_for_past_meetings_once(demo_world):
    demo_world()  # what seed_demo made on an empty database
    approved = SituationReport.objects.operational().filter(status=SituationReport.Status.APPROVED)
    assert approved.filter(municipality__slug="burlov").count() >= 2
    assert approved.filter(municipality__slug="eslov").count() >= 2
    assert all(r.data["totals"]["current"] >= 0 and r.sections.count() == 2 for r in approved)
    in_review = SituationReport.objects.filter(status=SituationReport.Status.IN_REVIEW)
    assert in_review.count() == 2  # the next meeting of each situation group
    assert AgendaItem.objects.filter(source_key="situation_report:report").count() >= 2
    before = SituationReport.objects.count()
    call_command("seed_demo")
    assert seed_reports() == 0
    assert SituationReport.objects.count() == before
