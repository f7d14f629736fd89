"""Issue 12, point 7: a position inside an area's outline gives the incident that area, and one
outside the municipality's outline is refused with a clear message (form and CSV import)."""

import pytest
from django.urls import reverse

from councils.models import MunicipalityMembership, MunicipalityOutline
from situation_reports.models import Incident
from situation_reports.services import csv_import

from .test_incident_form import create_url, post_data

pytestmark = pytest.mark.django_db


def square(west, south, east, north):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def outlines(burlov, arlov, akarp):
    MunicipalityOutline.objects.create(municipality=burlov, geometry=square(13.0, 55.6, 13.2, 55.7))
    arlov.outline = square(13.03, 55.62, 13.09, 55.65)
    arlov.save()
    akarp.outline = square(13.09, 55.645, 13.13, 55.67)
    akarp.save()


def test_a_position_in_an_area_s_outline_gives_the_incident_that_area(
    login, coordinator, categories, arlov, akarp, outlines
):
    # Logged with Arlöv chosen (the last used) but a position inside Åkarp: Åkarp it is.
    data = post_data(categories, arlov, latitude="55.65500", longitude="13.11000")
    response = login(coordinator).post(create_url(), data)
    assert response.status_code == 302
    assert Incident.objects.get().area == akarp


def test_a_position_in_no_area_keeps_the_area_chosen(
    login, coordinator, categories, arlov, outlines
):
    data = post_data(categories, arlov, latitude="55.69000", longitude="13.19000")
    assert login(coordinator).post(create_url(), data).status_code == 302
    assert Incident.objects.get().area == arlov


@pytest.mark.parametrize(
    "lat, lng, message",
    [
        ("59.33000", "18.06000", "utanför Burlöv"),  # Stockholm: Sweden, not Burlöv
        ("13.07000", "55.63000", "utanför Sverige"),  # swapped
    ],
)
def test_a_position_outside_the_municipality_is_refused_and_nothing_saved(
    login, coordinator, categories, arlov, outlines, lat, lng, message
):
    response = login(coordinator).post(
        create_url(), post_data(categories, arlov, latitude=lat, longitude=lng)
    )
    assert response.status_code == 200  # the form again, with the message
    assert message in response.content.decode()
    assert not Incident.objects.exists()


def test_without_an_outline_only_sweden_is_the_limit(login, coordinator, categories, arlov):
    data = post_data(categories, arlov, latitude="59.33000", longitude="18.06000")
    assert login(coordinator).post(create_url(), data).status_code == 302


def test_the_form_carries_the_position_picker_with_the_outlines(
    login, coordinator, categories, outlines
):
    content = login(coordinator).get(create_url()).content.decode()
    assert "data-position-picker" in content and "map_widgets.js" in content
    assert "Polygon" in content


def test_the_csv_import_places_rows_by_outline_and_refuses_those_outside(
    coordinator, categories, arlov, akarp, outlines
):
    membership = MunicipalityMembership.objects.get(user=coordinator)
    text = (
        "datum;tid;kategori;område;plats;beskrivning;allvarlighetsgrad;sekretess;latitud;longitud\n"
        "2026-05-02;22:15;Klotter;Arlöv;Torget;Klotter;låg;öppen;55,655;13,11\n"
        "2026-05-02;22:30;Klotter;Arlöv;Torget;Klotter igen;låg;öppen;59.33;18.06\n"
    )
    result = csv_import.preview(text, membership)
    first, second = result.rows
    assert first.is_valid and first.incident.area == akarp
    assert not second.is_valid
    assert any("utanför Burlöv" in error for error in second.errors)


def test_an_outsider_gets_404_for_burlov_s_form(login, outsider, outlines):
    assert login(outsider).get(create_url()).status_code == 404
    url = reverse("councils:municipality-outline", kwargs={"municipality": "burlov"})
    assert login(outsider).get(url).status_code == 404
