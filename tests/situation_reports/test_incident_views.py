"""Who sees what: the role × page matrix, tenant isolation, restricted incidents, history,
withdrawal and the list's constant number of queries."""

import datetime
import gzip
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from situation_reports.models import Incident, IncidentAccessLog
from tests.access import EVERYONE, MANAGERS, AccessMatrix, Page

pytestmark = pytest.mark.django_db

RESTRICTED = Incident.Confidentiality.RESTRICTED


def url(name, **kwargs):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov", **kwargs})


@pytest.fixture
def open_incident(burlov, make_incident, arlov):
    return make_incident(burlov, area=arlov, description="Öppen händelse: klotter vid stationen.")


@pytest.fixture
def restricted_incident(burlov, make_incident, arlov):
    return make_incident(
        burlov,
        area=arlov,
        category="violence",
        confidentiality=RESTRICTED,
        description="Begränsad händelse: hot mot personal.",
    )


def page(name, allowed=EVERYONE, **options):
    return Page(f"situation_reports:{name}", allowed=allowed, **options)


class TestEveryIncidentPage(AccessMatrix):
    """The open incident was logged by nobody, so only managers may edit it."""

    pages = [
        page("incident-list"),
        page("incident-map"),
        page("incident-map-data"),
        page("incident-export", kwargs={"fmt": "csv"}),
        page("incident-export", kwargs={"fmt": "xlsx"}),
        page("incident-detail", obj="open_incident"),
        page("incident-create", allowed=MANAGERS | {"police_partner", "company_partner"}),
        page("incident-edit", obj="open_incident", allowed=MANAGERS),
        page("incident-import", allowed=MANAGERS),
        page("upcoming-list"),
        page("upcoming-create", allowed=MANAGERS),
    ]

    @pytest.fixture
    def objects(self, open_incident):
        return {"open_incident": open_incident}


def test_posting_pages_answer_the_outsider_404(client, outsider, open_incident):
    client.force_login(outsider)
    for address in [
        url("incident-withdraw", pk=open_incident.pk),
        url("incident-import-confirm"),
        url("upcoming-generate"),
    ]:
        assert client.post(address, {"reason": "x", "year": "2027"}).status_code == 404


def test_the_list_never_shows_another_municipalitys_incidents(
    login, outsider, eslov, eslov_area, make_incident, open_incident
):
    own = make_incident(eslov, area=eslov_area, description="Eslövs egen händelse.")
    client = login(outsider)
    response = client.get(
        reverse("situation_reports:incident-list", kwargs={"municipality": "eslov"})
    )
    assert list(response.context["incidents"]) == [own]


def everything_a_user_sees(client):
    """The text of every page that could reveal an incident: list, map data, exports."""
    list_page = client.get(url("incident-list") + "?status=all")
    map_data = client.get(url("incident-map-data") + "?status=all").json()
    csv_text = b"".join(client.get(url("incident-export", fmt="csv")).streaming_content).decode()
    return {
        "list": list_page.content.decode(),
        "count": list_page.context["page_obj"].paginator.count,
        "map": map_data,
        "csv": csv_text,
    }


def test_a_private_company_partner_never_sees_a_restricted_incident(
    login, company_partner, open_incident, restricted_incident
):
    client = login(company_partner)
    # Without positions the map only counts them per area: the count leaves out the restricted.
    assert everything_a_user_sees(client)["map"]["without_position"] == 1
    # With positions both would be markers: only the open one is.
    for incident in (open_incident, restricted_incident):
        incident.latitude, incident.longitude = "55.63000", "13.07000"
        incident.save()
    seen = everything_a_user_sees(client)
    assert "Begränsad händelse" not in seen["list"]
    assert seen["count"] == 1
    assert seen["map"]["total"] == 1
    assert [p["id"] for p in seen["map"]["points"]] == [open_incident.pk]
    assert "Begränsad händelse" not in seen["csv"]
    assert "Öppen händelse" in seen["csv"]
    assert client.get(url("incident-detail", pk=restricted_incident.pk)).status_code == 404
    xlsx = client.get(url("incident-export", fmt="xlsx"))
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    texts = [row[10] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert texts == ["Öppen händelse: klotter vid stationen."]
    # not even a hint in the filter
    assert "confidentiality" not in client.get(url("incident-list")).context["filter"].form.fields


def test_the_housing_company_partner_is_treated_as_private_too(client, burlov, restricted_incident):
    from councils.models import Organisation
    from tests.factories import make_user
    from trygghet import access

    housing = Organisation.objects.create(name="Burlövs Bostäder AB", kind="housing_company")
    user = make_user("burlov.housing", burlov, access.PARTNER, housing)
    client.force_login(user)
    assert client.get(url("incident-detail", pk=restricted_incident.pk)).status_code == 404
    assert client.get(url("incident-list")).context["page_obj"].paginator.count == 0


def test_public_authorities_see_restricted_incidents_and_their_reading_is_logged(
    login, police_partner, restricted_incident
):
    client = login(police_partner)
    assert everything_a_user_sees(client)["count"] == 1
    # The list and the map show no full text; the export does, so it counts as a reading.
    assert IncidentAccessLog.objects.count() == 1
    response = client.get(url("incident-detail", pk=restricted_incident.pk))
    assert response.status_code == 200
    assert IncidentAccessLog.objects.count() == 2
    log = IncidentAccessLog.objects.order_by("-pk").first()
    assert (log.user, log.incident) == (police_partner, restricted_incident)


def test_reading_an_open_incident_is_not_logged(login, coordinator, open_incident):
    login(coordinator).get(url("incident-detail", pk=open_incident.pk))
    assert IncidentAccessLog.objects.count() == 0


def test_every_change_is_kept_as_history_with_who_and_what(
    login, coordinator, categories, open_incident
):
    client = login(coordinator)
    data = {
        "category": categories["fire"].pk,
        "occurred_on": open_incident.occurred_on.isoformat(),
        "start_time": timezone.localtime(open_incident.started_at).strftime("%H:%M"),
        "area": open_incident.area_id,
        "place": "Containern",
        "description": open_incident.description,
        "severity": "3",
        "confidentiality": "open",
        "organisation": "",
        "status": "confirmed",
        "change_reason": "Räddningstjänsten bekräftade brand",
    }
    response = client.post(url("incident-edit", pk=open_incident.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    latest = open_incident.history.latest()
    assert latest.history_user == coordinator
    assert latest.history_change_reason == "Räddningstjänsten bekräftade brand"
    page = client.get(url("incident-detail", pk=open_incident.pk), HTTP_ACCEPT_LANGUAGE="en")
    changes = page.context["history"][0]["changes"]
    changed = {str(c["field"]) for c in changes}
    assert {"category", "severity", "place", "status"} <= changed
    assert page.context["history"][0]["user"] == coordinator


def test_an_incident_is_withdrawn_with_a_reason_never_deleted(login, coordinator, open_incident):
    client = login(coordinator)
    refused = client.post(url("incident-withdraw", pk=open_incident.pk), {"reason": " "})
    assert refused.status_code == 400
    open_incident.refresh_from_db()
    assert not open_incident.is_withdrawn
    response = client.post(
        url("incident-withdraw", pk=open_incident.pk), {"reason": "Dubblett av annan rapport"}
    )
    assert response.status_code == 302
    open_incident.refresh_from_db()
    assert open_incident.is_withdrawn
    assert open_incident.withdrawn_reason == "Dubblett av annan rapport"
    assert open_incident.withdrawn_by == coordinator
    assert Incident.objects.filter(pk=open_incident.pk).exists()
    # Not counted by default, visible with the filter.
    assert client.get(url("incident-list")).context["page_obj"].paginator.count == 0
    assert client.get(url("incident-list") + "?status=all").context["page_obj"].paginator.count == 1
    assert (
        client.get(url("incident-list") + "?status=withdrawn").context["page_obj"].paginator.count
        == 1
    )
    assert Incident.objects.active().count() == 0


def test_a_member_may_not_withdraw(login, member, open_incident):
    assert (
        login(member)
        .post(url("incident-withdraw", pk=open_incident.pk), {"reason": "x"})
        .status_code
        == 403
    )


def test_the_admin_cannot_delete_an_incident(client, open_incident):
    from councils.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    response = client.get(
        reverse("admin:situation_reports_incident_delete", args=[open_incident.pk])
    )
    assert response.status_code == 403


def test_the_filters_narrow_the_list_and_the_url_keeps_them(
    login, coordinator, burlov, make_incident, arlov, akarp
):
    now = timezone.now()
    a = make_incident(
        burlov, area=arlov, category="fire", severity=3, started_at=now - datetime.timedelta(days=1)
    )
    make_incident(burlov, area=akarp, category="fire", started_at=now - datetime.timedelta(days=1))
    make_incident(
        burlov, area=arlov, category="graffiti", started_at=now - datetime.timedelta(days=1)
    )
    make_incident(burlov, area=arlov, category="fire", started_at=now - datetime.timedelta(days=40))
    client = login(coordinator)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    query = f"?date_from={since}&area={arlov.pk}&category={a.category_id}&severity=3"
    response = client.get(url("incident-list") + query)
    assert list(response.context["incidents"]) == [a]
    assert f"area={arlov.pk}" in response.context["query"]
    text = (
        client.get(url("incident-list") + "?q=busshållplatsen").context["page_obj"].paginator.count
    )
    assert text == 4


def test_the_list_sorts_by_a_column(login, coordinator, burlov, make_incident, arlov, akarp):
    make_incident(burlov, area=akarp)
    make_incident(burlov, area=arlov)
    client = login(coordinator)
    names = [
        i.area.name for i in client.get(url("incident-list") + "?sort=area").context["incidents"]
    ]
    assert names == ["Arlöv", "Åkarp"]
    names = [
        i.area.name for i in client.get(url("incident-list") + "?sort=-area").context["incidents"]
    ]
    assert names == ["Åkarp", "Arlöv"]


def test_the_list_is_paginated(login, coordinator, burlov, make_incident):
    for _ in range(55):
        make_incident(burlov)
    client = login(coordinator)
    assert len(client.get(url("incident-list")).context["incidents"]) == 50
    assert len(client.get(url("incident-list") + "?page=2").context["incidents"]) == 5


@pytest.mark.parametrize("rows", [3, 60])
def test_the_list_runs_the_same_number_of_queries_whatever_the_rows(
    login, coordinator, burlov, make_incident, arlov, akarp, rows, django_assert_num_queries
):
    for index in range(rows):
        make_incident(burlov, area=arlov if index % 2 else akarp, organisation=None)
    client = login(coordinator)
    client.get(url("incident-list"))  # warm the session
    with django_assert_num_queries(9):  # 8, and the last meeting for the quick periods
        response = client.get(url("incident-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 60])
def test_the_map_data_runs_a_constant_number_of_queries(
    login, coordinator, burlov, make_incident, arlov, rows, django_assert_num_queries
):
    for _ in range(rows):
        make_incident(burlov, area=arlov)
    client = login(coordinator)
    client.get(url("incident-map-data"))
    with django_assert_num_queries(6):
        data = client.get(url("incident-map-data")).json()
    assert data["total"] == rows


def test_the_map_data_is_gzipped_for_a_browser_that_accepts_it(
    login, coordinator, burlov, make_incident, arlov
):
    for n in range(40):
        make_incident(burlov, area=arlov, latitude="55.63000", longitude=f"13.{n:05d}")
    client = login(coordinator)
    plain = client.get(url("incident-map-data"))
    packed = client.get(url("incident-map-data"), headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert len(packed.content) < len(plain.content) / 4


def test_the_map_counts_incidents_without_position_on_their_area_instead_of_piling_them(
    login, coordinator, burlov, make_incident, arlov
):
    make_incident(burlov, area=arlov)
    make_incident(burlov, area=arlov)
    make_incident(burlov, area=arlov, latitude="55.63000", longitude="13.07000")
    make_incident(burlov)  # neither position nor area
    data = login(coordinator).get(url("incident-map-data")).json()
    # Only the incident with a position of its own is a marker; none sits on a centre.
    assert [(p["lat"], p["lng"], p["approximate"]) for p in data["points"]] == [
        (55.63, 13.07, None)
    ]
    assert data["total"] == 4 and data["without_position"] == 3 and data["unplaced"] == 1
    assert {a["name"]: a["without_position"] for a in data["areas"]} == {"Arlöv": 2, "": 1}


def test_the_map_page_draws_the_outlines(login, coordinator, burlov, arlov):
    from councils.models import MunicipalityOutline

    square = [[[13.0, 55.6], [13.2, 55.6], [13.2, 55.7], [13.0, 55.7], [13.0, 55.6]]]
    arlov.outline = {"type": "Polygon", "coordinates": square}
    arlov.save()
    MunicipalityOutline.objects.create(
        municipality=burlov, geometry={"type": "Polygon", "coordinates": square}
    )
    config = login(coordinator).get(url("incident-map")).context["map_config"]
    assert config["municipality"]["type"] == "Polygon"
    assert [a["outline"]["type"] for a in config["areas"] if a["name"] == "Arlöv"] == ["Polygon"]


def test_the_map_page_works_without_tiles_and_says_so(login, coordinator, settings):
    settings.MAP_TILE_URL = ""
    response = login(coordinator).get(url("incident-map"))
    assert b'id="no-tiles"' in response.content
    assert response.context["layers"][0]["name"] == "incidents"
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = login(coordinator).get(url("incident-map"))
    assert b'id="no-tiles"' not in response.content
    assert response.context["map_config"]["tileUrl"].startswith("https://tiles.example.org")


def test_the_map_layer_carries_the_lists_filter(login, coordinator, arlov):
    response = login(coordinator).get(url("incident-map") + f"?area={arlov.pk}")
    assert f"area={arlov.pk}" in response.context["layers"][0]["url"]


def test_the_dashboard_section_counts_the_last_seven_days_as_the_user_may_see(
    rf, company_partner, burlov, make_incident, arlov
):
    from situation_reports.dashboard import incident_section

    make_incident(burlov, area=arlov, category="fire")
    make_incident(burlov, area=arlov, category="fire", confidentiality=RESTRICTED)
    make_incident(
        burlov, area=arlov, category="fire", started_at=timezone.now() - datetime.timedelta(days=20)
    )
    request = rf.get("/")
    request.membership = company_partner.municipality_memberships.get()
    request.municipality = burlov
    section = incident_section(request)
    assert section["total"] == 1
    assert section["by_category"] == [{"name": "Brand/anlagd brand", "count": 1}]


def test_the_dashboard_section_renders(rf, coordinator, burlov, make_incident, arlov):
    from django.template.loader import render_to_string

    from situation_reports.dashboard import incident_section

    make_incident(burlov, area=arlov, category="graffiti")
    request = rf.get("/")
    request.membership = coordinator.municipality_memberships.get()
    request.municipality = burlov
    section = incident_section(request)
    html = render_to_string(section["template"], {"section": section})
    assert "Klotter" in html
    assert "date_from=" in html


def test_a_partner_edits_what_they_logged_but_not_what_others_logged(
    login, police_partner, burlov, make_incident, arlov
):
    own = make_incident(burlov, area=arlov, created_by=police_partner)
    other = make_incident(burlov, area=arlov)
    client = login(police_partner)
    assert client.get(url("incident-edit", pk=own.pk)).status_code == 200
    assert client.get(url("incident-edit", pk=other.pk)).status_code == 403


def test_police_open_data_is_not_edited_by_hand(login, coordinator, burlov, make_incident):
    event = make_incident(burlov, source=Incident.Source.POLICE_OPEN_DATA, police_id=123)
    assert login(coordinator).get(url("incident-edit", pk=event.pk)).status_code == 403


def test_opening_the_edit_form_of_a_restricted_incident_is_logged(
    login, coordinator, restricted_incident
):
    login(coordinator).get(url("incident-edit", pk=restricted_incident.pk))
    assert IncidentAccessLog.objects.filter(user=coordinator).count() == 1


def test_an_export_logs_the_restricted_incidents_it_carries(
    login, police_partner, open_incident, restricted_incident
):
    client = login(police_partner)
    b"".join(client.get(url("incident-export", fmt="csv")).streaming_content)
    logs = IncidentAccessLog.objects.all()
    assert [(log.user, log.incident) for log in logs] == [(police_partner, restricted_incident)]
