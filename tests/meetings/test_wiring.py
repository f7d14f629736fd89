"""How the apps meet: incidents and upcoming events on the agenda, observations on the map,
meetings on the body page, and the start page's sections."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import Organisation
from meetings import services
from meetings.models import AgendaItem, Observation
from situation_reports.models import Incident, UpcomingEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def auto_item(meeting, source):
    return AgendaItem.objects.get(meeting=meeting, source_key__startswith=f"{source}:")


def test_the_agenda_counts_the_incidents_since_the_last_meeting_by_category(
    body, make_meeting, make_incident, burlov, eslov
):
    now = timezone.now()
    make_meeting(start=now - datetime.timedelta(days=10))
    meeting = make_meeting(start=now + datetime.timedelta(days=1))
    for _ in range(3):
        make_incident(burlov, category="vandalism")
    make_incident(burlov, category="graffiti")
    make_incident(burlov, started_at=now - datetime.timedelta(days=20))  # before the last one
    make_incident(eslov, category="graffiti")  # another municipality
    withdrawn = make_incident(burlov, category="graffiti")
    Incident.objects.filter(pk=withdrawn.pk).update(status=Incident.Status.WITHDRAWN)

    services.fill_agenda(meeting)

    item = auto_item(meeting, "incidents")
    assert "4 händelser" in item.description or "4 incidents" in item.description
    assert "Skadegörelse: 3" in item.description or "Vandalism: 3" in item.description
    assert item.shareable
    since = timezone.localtime(now - datetime.timedelta(days=10)).date()
    assert f"date_from={since.isoformat()}" in item.link


@pytest.fixture
def counted_meeting(body, make_meeting, make_incident, burlov, police_partner, company_partner):
    """A meeting whose period holds one restricted and two open incidents; a police and a
    security-company partner sit in the body."""
    from councils.models import Membership

    for user in (police_partner, company_partner):
        Membership.objects.create(body=body, user=user)
    meeting = make_meeting()
    make_incident(burlov, category="violence", confidentiality=Incident.Confidentiality.RESTRICTED)
    make_incident(burlov, category="vandalism")
    make_incident(burlov, category="vandalism")
    services.fill_agenda(meeting)
    return meeting


def test_the_incident_item_counts_what_each_viewer_may_list(
    client, counted_meeting, police_partner, company_partner
):
    """The count rule (issue 9): a private company sees the open incidents only, a public
    authority all of them; the stored item keeps both figures."""

    def agenda_text(user):
        client.force_login(user)
        url = reverse(
            "meetings:meeting-detail", kwargs={"municipality": "burlov", "pk": counted_meeting.pk}
        )
        return client.get(url).content.decode()

    partner = agenda_text(company_partner)
    assert "2 händelser" in partner and "3 händelser" not in partner
    assert "Våld/hot" not in partner
    police = agenda_text(police_partner)
    assert "3 händelser" in police and "Våld/hot: 1" in police


def test_a_share_link_shows_the_open_figures_of_the_incident_item(
    client, counted_meeting, coordinator
):
    item = auto_item(counted_meeting, "incidents")
    assert item.shareable  # its shared text is built from open incidents only
    _link, token = services.create_share_link(
        created_by=coordinator,
        label="Räddningstjänsten",
        expires_at=timezone.now() + datetime.timedelta(days=7),
        meeting=counted_meeting,
    )
    html = client.get(reverse("meetings_public:share", kwargs={"token": token})).content.decode()
    assert "2 händelser" in html and "3 händelser" not in html and "Våld/hot" not in html


def test_a_text_written_by_hand_is_what_everyone_reads(client, counted_meeting, coordinator):
    from councils.models import MunicipalityMembership

    item = auto_item(counted_meeting, "incidents")
    police = MunicipalityMembership(role="partner", organisation=Organisation(kind="police"))
    assert "3 händelser" in item.description_for(police)
    assert "2 händelser" in item.description_for(None)
    client.force_login(coordinator)
    url = reverse(
        "meetings:agenda-item-edit",
        kwargs={"municipality": "burlov", "pk": counted_meeting.pk, "item_pk": item.pk},
    )
    data = {"title": item.title, "description": "Läget i stort.", "shareable": "on"}
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.description_for(police) == item.description_for(None) == "Läget i stort."


def test_the_report_item_counts_what_each_viewer_may_list(
    client, counted_meeting, police_partner, company_partner, burlov
):
    from situation_reports.services import compiling

    start, end = compiling.meeting_period(counted_meeting)
    report = compiling.create_report(burlov, start, timezone.localdate(), meeting=counted_meeting)
    compiling.compile_report(report.pk)
    services.fill_agenda(counted_meeting)
    url = reverse(
        "meetings:meeting-detail", kwargs={"municipality": "burlov", "pk": counted_meeting.pk}
    )
    client.force_login(company_partner)
    partner = client.get(url).content.decode()
    client.force_login(police_partner)
    police = client.get(url).content.decode()
    # The report's period in the reader's language ("2 händelser 18 nov–2 dec 2026").
    assert re.search(r"2 händelser \d+ \w+–", partner)
    assert not re.search(r"3 händelser \d+ \w+–", partner)
    assert re.search(r"3 händelser \d+ \w+–", police)


def test_refilling_the_agenda_updates_the_incident_item_instead_of_adding_one(
    body, make_meeting, make_incident, burlov
):
    meeting = make_meeting()
    services.fill_agenda(meeting)
    make_incident(burlov)
    services.fill_agenda(meeting)
    items = AgendaItem.objects.filter(meeting=meeting, source_key__startswith="incidents:")
    assert items.count() == 1
    assert "1" in items.get().description


def test_the_agenda_looks_two_weeks_ahead(body, make_meeting, burlov):
    meeting = make_meeting(start=timezone.now() + datetime.timedelta(days=2))
    day = timezone.localtime(meeting.start).date()
    UpcomingEvent.objects.create(
        municipality=burlov,
        title="Sportlov",
        starts_on=day - datetime.timedelta(days=2),
        ends_on=day + datetime.timedelta(days=3),
        kind=UpcomingEvent.Kind.SCHOOL_BREAK,
    )
    UpcomingEvent.objects.create(
        municipality=burlov,
        title="Marknad",
        starts_on=day + datetime.timedelta(days=40),
    )
    services.fill_agenda(meeting)
    item = auto_item(meeting, "upcoming")
    assert "Sportlov" in item.description
    assert "Marknad" not in item.description


def test_working_groups_get_no_incident_or_horizon_items(body, make_meeting, make_incident, burlov):
    body.kind = body.Kind.WORKING_GROUP
    body.parent = body.__class__.objects.create(
        municipality=burlov, name="Beredningsgrupp", kind=body.Kind.PREPARATION_GROUP
    )
    body.save()
    meeting = make_meeting()
    make_incident(burlov)
    services.fill_agenda(meeting)
    assert not AgendaItem.objects.filter(
        meeting=meeting, source_key__regex=r"^(incidents|upcoming):"
    ).exists()


def test_open_observations_appear_on_the_incident_map(
    client, body, make_meeting, coordinator, burlov
):
    walk = make_meeting(kind="safety_walk")
    Observation.objects.create(
        municipality=burlov,
        meeting=walk,
        place="Gångtunneln vid stationen",
        description="Trasig belysning",
        latitude=55.6377,
        longitude=13.0758,
    )
    client.force_login(coordinator)
    page = client.get(reverse("situation_reports:incident-map", kwargs={"municipality": "burlov"}))
    layer = next(
        layer for layer in page.context["map_config"]["layers"] if layer["name"] == "observations"
    )
    data = client.get(layer["url"]).json()
    assert [p["where"] for p in data["points"]] == ["Gångtunneln vid stationen"]
    assert data["points"][0]["lat"] == pytest.approx(55.6377)


def test_the_observation_layer_answers_404_outside_the_municipality(client, outsider, burlov):
    client.force_login(outsider)
    url = reverse("meetings:observation-map-data", kwargs={"municipality": "burlov"})
    assert client.get(url).status_code == 404


def test_the_body_page_lists_its_next_meeting_and_its_calendar(
    client, body, make_meeting, coordinator
):
    meeting = make_meeting()
    client.force_login(coordinator)
    html = client.get(body.get_absolute_url()).content.decode()
    assert meeting.get_absolute_url() in html
    assert reverse("meetings:body-feed", kwargs={"municipality": "burlov", "pk": body.pk}) in html


def test_the_start_page_shows_meetings_incidents_and_the_agreement(
    client, body, make_meeting, make_incident, coordinator, burlov
):
    make_incident(burlov, category="graffiti")
    client.force_login(coordinator)
    response = client.get("/burlov/")
    sections = {s["template"]: s for s in response.context["sections"]}
    # No situation report has been compiled yet, so its section is left out.
    assert list(sections) == [
        "meetings/_dashboard.html",
        "situation_reports/dashboard_incidents.html",
        "councils/_dashboard.html",
    ]
    assert sections["situation_reports/dashboard_incidents.html"]["total"] == 1


def test_a_private_partner_start_page_counts_no_restricted_incident(client, make_incident, burlov):
    company = Organisation.objects.create(name="Vakt AB", kind=Organisation.Kind.SECURITY_COMPANY)
    guard = make_user("guard", burlov, "partner", company)
    make_incident(burlov, confidentiality=Incident.Confidentiality.RESTRICTED)
    make_incident(burlov)
    client.force_login(guard)
    sections = {s["template"]: s for s in client.get("/burlov/").context["sections"]}
    assert sections["situation_reports/dashboard_incidents.html"]["total"] == 1


def test_the_start_page_runs_a_bounded_number_of_queries(
    client, body, make_meeting, make_incident, coordinator, burlov, django_assert_max_num_queries
):
    for _ in range(5):
        make_meeting()
        make_incident(burlov)
    client.force_login(coordinator)
    with django_assert_max_num_queries(25):
        client.get("/burlov/")


def test_items_filled_before_the_count_rule_keep_their_counts_for_authorities(counted_meeting):
    """Migration 0002: an old automatic item's text may count restricted incidents, so it
    becomes the public-authority text and everyone else reads none until it is refilled."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "meetings.migrations.0002_agendaitem_restricted_description"
    )
    item = auto_item(counted_meeting, "incidents")
    AgendaItem.objects.filter(pk=item.pk).update(
        description="3 händelser", restricted_description="", generated={}
    )
    migration.keep_old_counts_for_authorities(apps, None)
    item.refresh_from_db()
    assert (item.description, item.restricted_description) == ("", "3 händelser")
    assert item.description_for(None) == ""
