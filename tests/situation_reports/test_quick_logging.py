"""Issue 12, point 6: the start page's "Log an incident", the filter's quick periods, and the
carried-over date and time, as every role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from situation_reports.views.listing import last_meeting_seen
from tests.factories import BodyFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def list_url(municipality="burlov"):
    return reverse("situation_reports:incident-list", kwargs={"municipality": municipality})


def create_url(municipality="burlov"):
    return reverse("situation_reports:incident-create", kwargs={"municipality": municipality})


@pytest.mark.parametrize(
    "role, shown",
    [
        ("admin", True),
        ("coordinator", True),
        ("police_partner", True),
        ("company_partner", True),
        ("member", False),
    ],
)
def test_the_start_page_offers_logging_to_those_who_may_log(login, users_by_role, role, shown):
    page = login(users_by_role[role]).get("/burlov/").content.decode()
    assert (f'href="{create_url()}"' in page) is shown
    assert ("Registrera händelse" in page) is shown


def test_the_outsider_gets_404_for_burlovs_form_and_list_with_periods(login, outsider):
    client = login(outsider)
    assert client.get(create_url() + "?date=2026-01-01&time=10:00").status_code == 404
    assert client.get(list_url() + "?date_from=2026-01-01").status_code == 404
    response = client.post(create_url(), {"description": "x", "save_and_add": "1"})
    assert response.status_code == 404


def test_the_quick_periods_keep_the_filter_and_mark_the_one_in_use(login, coordinator):
    today = timezone.localdate()
    week_ago = today - datetime.timedelta(days=6)
    response = login(coordinator).get(
        list_url() + f"?q=klotter&page=2&date_from={week_ago}&date_to={today}"
    )
    periods = {p["label"]: p for p in _periods(response)}
    assert set(periods) == {"Senaste 7 dagarna", "Denna månad"}  # no meeting yet
    week = periods["Senaste 7 dagarna"]
    assert week["current"] and not periods["Denna månad"]["current"]
    assert week["url"] == f"?q=klotter&date_from={week_ago}&date_to={today}"
    assert periods["Denna månad"]["url"].endswith(
        f"date_from={today.replace(day=1)}&date_to={today}"
    )


def _periods(response):
    from situation_reports.views.listing import quick_periods

    return quick_periods(response.wsgi_request)


def test_since_the_last_meeting_is_the_last_meeting_the_reader_may_see(
    burlov, coordinator, member, company_partner, situation_group
):
    now = timezone.now()
    held = MeetingFactory(body=situation_group, start=now - datetime.timedelta(days=10))
    MeetingFactory(body=situation_group, start=now + datetime.timedelta(days=3))  # not yet
    MeetingFactory(
        body=situation_group,
        start=now - datetime.timedelta(days=2),
        status=Meeting.Status.CANCELLED,
    )
    # A later meeting of a body the member does not sit on.
    other = MeetingFactory(
        body=BodyFactory(municipality=burlov, name="Styrgruppen", kind="working_group"),
        start=now - datetime.timedelta(days=1),
    )
    coordinator_membership = coordinator.municipality_memberships.get()
    member_membership = member.municipality_memberships.get()
    partner_membership = company_partner.municipality_memberships.get()
    # The coordinator sees every meeting: the situation group's is preferred to a later one.
    assert other.start > held.start
    assert last_meeting_seen(coordinator_membership) == held
    assert last_meeting_seen(member_membership) == held
    # A partner on no body sees no meeting, so no "since the last meeting" either.
    assert last_meeting_seen(partner_membership) is None


def test_the_list_with_a_quick_period_works_for_every_role(login, users_by_role):
    for role in ("admin", "coordinator", "member", "police_partner", "company_partner"):
        response = login(users_by_role[role]).get(list_url())
        assert response.status_code == 200, role
        assert "Senaste 7 dagarna" in response.content.decode(), role


@pytest.mark.parametrize("role", ["admin", "coordinator", "police_partner", "company_partner"])
def test_every_logger_gets_the_date_and_time_carried_over(login, users_by_role, role):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = login(users_by_role[role]).get(create_url() + f"?date={yesterday}&time=21:05")
    assert response.status_code == 200
    assert response.context["form"].initial["start_time"] == datetime.time(21, 5)


def test_a_member_may_not_open_the_form_with_a_carried_over_date(login, member):
    response = login(member).get(create_url() + "?date=2026-01-01&time=10:00")
    assert response.status_code in (403, 404)
