"""Dates and numbers bounded (issue #10, findings 2 and 7): every date the incident, upcoming-event
and report pages accept lies in 2000..2100, query strings out of range are refused with a
message and ignored, and the pages that list rows stay whole."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from situation_reports.models import Incident, IncidentCategory, SituationReport, UpcomingEvent
from trygghet import limits

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"]


def url(name, **kwargs):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov", **kwargs})


def in_english(client):
    client.cookies["django_language"] = "en"
    return client


# --- Forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_upcoming_event_out_of_range_is_refused(login, coordinator, burlov, value):
    client = in_english(login(coordinator))
    response = client.post(
        url("upcoming-create"), {"title": "Derby", "kind": "match", "starts_on": value}
    )
    assert response.status_code == 200
    assert "between 2000-01-01 and 2100-12-31" in str(response.context["form"].errors["starts_on"])
    response = client.post(
        url("upcoming-create"),
        {"title": "Derby", "kind": "match", "starts_on": "2027-05-01", "ends_on": value},
    )
    assert response.status_code == 200 and "ends_on" in response.context["form"].errors
    assert not UpcomingEvent.objects.exists()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_an_incidents_end_date_out_of_range_is_refused(login, coordinator, categories, value):
    client = in_english(login(coordinator))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url("incident-create"),
        {
            "category": categories["vandalism"].pk,
            "occurred_on": yesterday.isoformat(),
            "start_time": "10:00",
            "end_on": value,
            "end_time": "11:00",
            "description": "Krossad ruta.",
            "severity": 2,
            "confidentiality": "open",
        },
    )
    assert response.status_code == 200
    assert "between 2000-01-01 and 2100-12-31" in str(response.context["form"].errors["end_on"])
    assert not Incident.objects.exists()


@pytest.mark.parametrize("start, end", [("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31")])
def test_a_report_of_a_period_out_of_range_is_refused(login, coordinator, burlov, start, end):
    client = in_english(login(coordinator))
    response = client.post(url("report-create"), {"period": "custom", "start": start, "end": end})
    assert response.status_code == 400
    assert "between 2000-01-01 and 2100-12-31" in response.content.decode()
    assert not SituationReport.objects.exists()


# --- Query strings --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["incident-list", "incident-map", "incident-map-data"])
@pytest.mark.parametrize("param", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_filter_date_out_of_range_is_refused_with_a_message_and_ignored(
    login, coordinator, burlov, make_incident, name, param, value
):
    make_incident(burlov)
    client = in_english(login(coordinator))
    response = client.get(url(name), {param: value})
    assert response.status_code == 200
    if name == "incident-map-data":
        assert response.json()["total"] == 1  # the filter is ignored, not applied
    else:
        html = response.content.decode()
        assert "Some filters could not be used" in html
        assert "between 2000-01-01 and 2100-12-31" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_a_filter_out_of_range_exports_the_unfiltered_set(
    login, coordinator, burlov, make_incident, fmt
):
    make_incident(burlov)
    response = login(coordinator).get(url("incident-export", fmt=fmt), {"date_from": "0001-01-01"})
    assert response.status_code == 200


# --- Pages that list rows -------------------------------------------------------------------


def test_the_earliest_and_latest_moments_list_map_and_export_whole(
    login, coordinator, burlov, make_incident
):
    """Rows at the very bounds (00:00 local on 2000-01-01 is 1999 in UTC) read back everywhere;
    anything outside cannot be stored (tests/trygghet/test_limits.py)."""
    make_incident(burlov, started_at=limits.EARLIEST_MOMENT)
    make_incident(burlov, started_at=timezone.now() - datetime.timedelta(minutes=1))
    client = login(coordinator)
    for sort in ("", "date", "-date", "category", "severity"):
        response = client.get(url("incident-list"), {"sort": sort, "status": "all"})
        assert response.status_code == 200 and response.context["page_obj"].paginator.count == 2
    assert client.get(url("incident-map-data")).json()["total"] == 2
    text = b"".join(client.get(url("incident-export", fmt="csv")).streaming_content)
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in rows[1:]][-1] == "2000-01-01"
    sheet = load_workbook(io.BytesIO(client.get(url("incident-export", fmt="xlsx")).content)).active
    assert sheet.max_row == 3


# --- Finding 7 ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "", "1.5", "²", str(2**64), "-1"])
def test_a_category_toggle_that_is_no_id_is_a_bad_request(login, coordinator, categories, value):
    response = login(coordinator).post(url("category-list"), {"toggle": value})
    assert response.status_code == 400
    assert IncidentCategory.objects.filter(is_active=False).count() == 0


def test_a_national_category_cannot_be_toggled(login, coordinator, categories):
    response = login(coordinator).post(url("category-list"), {"toggle": categories["fire"].pk})
    assert response.status_code == 404


@pytest.mark.parametrize("year", ["2100", "2101", "1999", "9999", "abc", "", "2e3", "²"])
def test_upcoming_events_for_a_year_without_a_calendar_get_a_clear_message(
    login, coordinator, burlov, year
):
    client = in_english(login(coordinator))
    response = client.post(url("upcoming-generate"), {"year": year}, follow=True)
    assert response.status_code == 200
    assert "Choose a year between 2000 and 2099" in response.content.decode()
    assert not UpcomingEvent.objects.exists()


def test_upcoming_events_for_the_last_year_with_a_calendar_are_generated(
    login, coordinator, burlov
):
    login(coordinator).post(url("upcoming-generate"), {"year": "2099"})
    last = UpcomingEvent.objects.order_by("-ends_on").first()
    assert last.ends_on.year == 2100  # the jullov of 2099 ends in January 2100
