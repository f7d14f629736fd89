"""The logging form: defaults, every refusal rule, duplicates, save and log another."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from situation_reports.models import Incident

pytestmark = pytest.mark.django_db


def create_url(municipality="burlov"):
    return reverse("situation_reports:incident-create", kwargs={"municipality": municipality})


def post_data(categories, area=None, **overrides):
    now = timezone.localtime() - datetime.timedelta(hours=1)
    data = {
        "category": categories["graffiti"].pk,
        "occurred_on": now.date().isoformat(),
        "start_time": now.strftime("%H:%M"),
        "part_of_day": "",
        "end_on": "",
        "end_time": "",
        "area": area.pk if area else "",
        "place": "Tågstationen",
        "latitude": "",
        "longitude": "",
        "description": "Nytt klotter på perrongen.",
        "severity": "1",
        "confidentiality": "open",
        "organisation": "",
    }
    data.update(overrides)
    return data


def test_it_saves_a_valid_incident_in_one_request(login, coordinator, categories, arlov):
    client = login(coordinator)
    response = client.post(create_url(), post_data(categories, arlov))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == incident.get_absolute_url()
    assert incident.created_by == coordinator
    assert incident.source == Incident.Source.MANUAL
    assert incident.organisation == coordinator.municipality_memberships.get().organisation
    assert incident.area == arlov
    assert incident.part_of_day  # computed from the time


def test_it_opens_with_now_own_organisation_and_the_last_area_used(
    login, coordinator, categories, arlov, akarp, make_incident
):
    make_incident(
        coordinator.municipality_memberships.get().municipality, area=akarp, created_by=coordinator
    )
    response = login(coordinator).get(create_url())
    form = response.context["form"]
    assert form.initial["occurred_on"] == timezone.localdate()
    assert form.initial["area"] == akarp.pk
    assert (
        form.initial["organisation"] == coordinator.municipality_memberships.get().organisation_id
    )


def test_save_and_log_another_returns_to_an_empty_form_keeping_the_date_and_time(
    login, coordinator, categories, arlov
):
    client = login(coordinator)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = post_data(categories, arlov, occurred_on=yesterday.isoformat(), start_time="22:10")
    response = client.post(create_url(), {**data, "save_and_add": "1"})
    assert response.status_code == 302
    assert response.url == create_url() + f"?date={yesterday.isoformat()}&time=22%3A10"
    page = client.get(response.url)
    form = page.context["form"]
    assert form.initial["occurred_on"] == yesterday
    # Issue 12: the time of yesterday's incident, not replaced by "now" without a word.
    assert form.initial["start_time"] == datetime.time(22, 10)
    assert form.initial["area"] == arlov.pk
    assert 'value="22:10"' in page.content.decode()
    assert page.context["carried_over"]["date"] == yesterday
    assert "händelsen du just sparade" in page.content.decode()


def test_save_and_log_another_keeps_an_unknown_time_as_the_part_of_the_day(
    login, coordinator, categories, arlov
):
    client = login(coordinator)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = post_data(
        categories,
        arlov,
        occurred_on=yesterday.isoformat(),
        start_time="",
        part_of_day="night",
    )
    response = client.post(create_url(), {**data, "save_and_add": "1"})
    assert response.url == create_url() + f"?date={yesterday.isoformat()}&part=night"
    form = client.get(response.url).context["form"]
    assert form.initial["start_time"] is None
    assert form.initial["part_of_day"] == "night"


@pytest.mark.parametrize(
    "query",
    [
        "date=2999-01-01&time=10:00",
        "date=1999-12-31",
        "date=tomorrow",
        "date=%00",
        "date=" + "9" * 5000,
        "date=FUTURE&time=10:00",
        "date=YESTERDAY&time=25:99",
        "date=YESTERDAY&part=%00",
    ],
)
def test_a_carried_over_date_or_time_out_of_reason_is_ignored(
    login, coordinator, categories, query
):
    today = timezone.localdate()
    query = query.replace("FUTURE", (today + datetime.timedelta(days=3)).isoformat())
    query = query.replace("YESTERDAY", (today - datetime.timedelta(days=1)).isoformat())
    response = login(coordinator).get(create_url() + "?" + query)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["occurred_on"] in (today, today - datetime.timedelta(days=1))
    assert form.initial["start_time"] is not None  # a time, never an empty field by mistake


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("55,60512", "55.60512"),
        ("55.605123456789", "55.60512"),
        (" 55,6 ", "55.60000"),
        ("55", "55.00000"),
    ],
)
def test_coordinates_with_a_decimal_comma_are_understood(
    login, coordinator, categories, arlov, typed, expected
):
    data = post_data(categories, arlov, latitude=typed, longitude="13,00123")
    response = login(coordinator).post(create_url(), data)
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.get()
    assert str(incident.latitude) == expected
    assert str(incident.longitude) == "13.00123"


@pytest.mark.parametrize(
    "typed", ["55,6, 13,0", "55.6, 13.0", "55°36′N", "NaN", "Infinity", "1e400", "5" * 300, "\x00"]
)
def test_a_coordinate_that_is_not_a_number_gets_a_message_saying_how_to_write_it(
    login, coordinator, categories, arlov, typed
):
    data = post_data(categories, arlov, latitude=typed, longitude="13.0")
    client = login(coordinator)
    response = client.post(create_url(), data)
    assert response.status_code == 200
    message = str(response.context["form"].errors["latitude"])
    assert "55.70512" in message and "55,70512" in message
    assert not Incident.objects.exists()
    with translation.override("sv"):
        response = client.post(create_url(), data, headers={"accept-language": "sv"})
    assert "55,70512" in str(response.context["form"].errors["latitude"])


def test_a_description_over_the_limit_gets_a_message_saying_by_how_much(
    login, coordinator, categories, arlov
):
    from situation_reports.forms.incidents import MAX_DESCRIPTION_LENGTH

    client = login(coordinator)
    page = client.get(create_url()).content.decode()
    # No maxlength: the browser would cut a pasted text short without a word.
    assert "maxlength" not in page.split('id="id_description"')[0].rsplit("<textarea", 1)[1]
    assert f'data-max-length="{MAX_DESCRIPTION_LENGTH}"' in page
    data = post_data(categories, arlov, description="x" * 20_000)
    response = client.post(create_url(), data)
    assert response.status_code == 200
    message = str(response.context["form"].errors["description"])
    for separator in ("\xa0", ",", " "):  # the thousands separator of the language
        message = message.replace(separator, "")
    assert "20000" in message and "10000" in message
    assert "shorten" in message or "korta" in message
    assert not Incident.objects.exists()
    data["description"] = "x" * MAX_DESCRIPTION_LENGTH
    assert client.post(create_url(), data).status_code == 302


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"occurred_on": "2099-01-01"}, "occurred_on", "future"),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "between 2000-01-01 and 2100-12-31"),
        ({"start_time": "23:59", "occurred_on": "TODAY"}, "start_time", "future"),
        (
            {"start_time": "10:00", "end_time": "09:00", "occurred_on": "YESTERDAY"},
            "end_time",
            "before the start",
        ),
        ({"latitude": "48.85", "longitude": "2.35"}, "latitude", "outside Sweden"),
        ({"latitude": "13.07", "longitude": "55.63"}, "latitude", "outside Sweden"),
        ({"latitude": "55.63", "longitude": ""}, "longitude", "both"),
        ({"description": "   "}, "description", "may not be empty"),
        (
            {"description": "Gärningsman 811218-9876 greps."},
            "description",
            "personal identity number",
        ),
        ({"place": "Hos 19811218-9876"}, "place", "personal identity number"),
        ({"start_time": "", "part_of_day": ""}, "part_of_day", "part of the day"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message_and_saves_nothing(
    login, coordinator, categories, arlov, overrides, field, words, monkeypatch
):
    today = timezone.localdate()
    if overrides.get("occurred_on") == "TODAY":
        overrides["occurred_on"] = today.isoformat()
        # The clock at noon, so that 23:59 today is in the future whenever the test runs.
        noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
        monkeypatch.setattr(timezone, "now", lambda: noon)
    if overrides.get("occurred_on") == "YESTERDAY":
        overrides["occurred_on"] = (today - datetime.timedelta(days=1)).isoformat()
    response = login(coordinator).post(
        create_url(), post_data(categories, arlov, **overrides), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    with translation.override("en"):  # the messages are lazy: read them in English
        assert words in " ".join(str(e) for e in errors[field])
    assert Incident.objects.count() == 0


def test_it_refuses_an_area_of_another_municipality(login, coordinator, categories, eslov_area):
    response = login(coordinator).post(
        create_url(), post_data(categories, eslov_area), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Burlöv" in " ".join(response.context["form"].errors["area"])
    assert Incident.objects.count() == 0


def test_it_accepts_an_end_after_midnight_with_an_end_date(login, coordinator, categories, arlov):
    two_days_ago = timezone.localdate() - datetime.timedelta(days=2)
    data = post_data(
        categories,
        arlov,
        occurred_on=two_days_ago.isoformat(),
        start_time="23:30",
        end_on=(two_days_ago + datetime.timedelta(days=1)).isoformat(),
        end_time="01:15",
    )
    assert login(coordinator).post(create_url(), data).status_code == 302
    incident = Incident.objects.get()
    assert incident.ended_at - incident.started_at == datetime.timedelta(minutes=105)


def test_it_accepts_a_date_with_only_a_part_of_day(login, coordinator, categories, arlov):
    data = post_data(categories, arlov, start_time="", part_of_day="night")
    assert login(coordinator).post(create_url(), data).status_code == 302
    incident = Incident.objects.get()
    assert incident.started_at is None
    assert incident.part_of_day == "night"


def test_it_points_out_a_possible_duplicate_before_saving(
    login, coordinator, categories, arlov, make_incident, burlov
):
    earlier = timezone.now() - datetime.timedelta(hours=2, minutes=30)
    existing = make_incident(burlov, area=arlov, category="graffiti", started_at=earlier)
    client = login(coordinator)
    data = post_data(
        categories,
        arlov,
        start_time=timezone.localtime(earlier + datetime.timedelta(hours=1)).strftime("%H:%M"),
        occurred_on=timezone.localtime(earlier + datetime.timedelta(hours=1)).date().isoformat(),
    )
    response = client.post(create_url(), data)
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert Incident.objects.count() == 1
    response = client.post(create_url(), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Incident.objects.count() == 2


def test_it_does_not_call_another_category_or_area_a_duplicate(
    login, coordinator, categories, arlov, akarp, make_incident, burlov
):
    make_incident(
        burlov,
        area=akarp,
        category="graffiti",
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    make_incident(
        burlov, area=arlov, category="fire", started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    response = login(coordinator).post(create_url(), post_data(categories, arlov))
    assert response.status_code == 302


def test_a_partner_logs_from_their_own_organisation_only(
    login, company_partner, categories, arlov, municipal_admin_org
):
    data = post_data(categories, arlov, organisation=municipal_admin_org.pk)
    assert login(company_partner).post(create_url(), data).status_code == 302
    incident = Incident.objects.get()
    assert incident.organisation == company_partner.municipality_memberships.get().organisation


def test_a_company_partner_who_logs_a_restricted_incident_is_not_sent_to_it(
    login, company_partner, categories, arlov
):
    data = post_data(categories, arlov, confidentiality="restricted")
    response = login(company_partner).post(create_url(), data)
    assert response.status_code == 302
    assert response.url == reverse(
        "situation_reports:incident-list", kwargs={"municipality": "burlov"}
    )
    assert Incident.objects.get().is_restricted


def test_a_member_may_not_log(login, member):
    assert login(member).get(create_url()).status_code == 403
