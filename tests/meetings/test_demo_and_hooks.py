import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory

from councils.models import Body, MunicipalityMembership
from meetings.dashboard import dashboard_section
from meetings.models import ActionItem, Meeting, MeetingSeries, MinutesVersion, Observation
from meetings.selectors import body_meetings_context

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count() for m in (MeetingSeries, Meeting, MinutesVersion, ActionItem, Observation)
    ]


def test_seed_demo_makes_series_minutes_and_a_walk_and_is_idempotent(demo_world):
    demo_world()  # what seed_demo made on an empty database
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert MeetingSeries.objects.count() == Body.objects.count() == 7
    burlov_omm = MeetingSeries.objects.get(
        body__municipality__slug="burlov", body__name="Örat mot marken"
    )
    assert burlov_omm.recurrence == "biweekly" and burlov_omm.start_time.hour == 9
    eslov_council = MeetingSeries.objects.get(body__name="Rådet för hälsa och trygghet")
    assert (eslov_council.recurrence, eslov_council.weekday, eslov_council.week_of_month) == (
        "monthly_weekday",
        1,
        1,
    )
    assert MinutesVersion.objects.exists() and ActionItem.objects.exists()
    walk = Meeting.objects.get(kind="safety_walk")
    assert walk.attendances.filter(organisation_name="Funktionsrätt Eslöv").exists()
    assert walk.observations.filter(action_item__isnull=False).exists()


def test_the_body_panel_and_dashboard_section_render(demo_world):
    demo_world()
    membership = MunicipalityMembership.objects.get(user__username="burlov.ledamot")
    body = Body.objects.get(municipality__slug="burlov", name="Örat mot marken")
    context = body_meetings_context(body, membership)
    assert context["upcoming_meetings"]
    html = render_to_string("meetings/_body_meetings_panel.html", context)
    assert context["body_feed_url"] in html
    request = RequestFactory().get("/")
    request.membership = membership
    section = dashboard_section(request)
    assert section["meetings"]
    assert section["actions"]
    assert {a.owner.username for a in section["actions"]} == {"burlov.ledamot"}
    render_to_string(section["template"], {"section": section})
