"""Areas (områden): everyone in the municipality reads the list, managers keep it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Area
from tests.access import EVERYONE, MANAGERS, AccessMatrix, Page

pytestmark = pytest.mark.django_db


def url(name, municipality="burlov", **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": municipality, **kwargs})


@pytest.fixture
def arlov(burlov):
    return Area.objects.create(
        municipality=burlov, name="Arlöv", latitude=Decimal("55.6372"), longitude=Decimal("13.0950")
    )


@pytest.fixture
def eslov_centre(eslov):
    return Area.objects.create(municipality=eslov, name="Eslöv centrum")


def area_data(**extra):
    return {
        "name": "Åkarp",
        "kind": Area.Kind.LOCALITY,
        "latitude": "55.6583",
        "longitude": "13.1130",
        "is_active": "on",
        **extra,
    }


def page(name, allowed=EVERYONE, **options):
    return Page(f"councils:{name}", allowed=allowed, **options)


class TestEveryAreaPage(AccessMatrix):
    """Everyone in the municipality reads the list, managers add and change areas."""

    pages = [
        page("area-list"),
        page("area-create", allowed=MANAGERS),
        page("area-edit", obj="arlov", allowed=MANAGERS),
        page(
            "area-edit",
            obj="arlov",
            allowed=MANAGERS,
            method="post",
            data=area_data(name="Omdöpt"),
            ok=302,
        ),
    ]

    @pytest.fixture
    def objects(self, arlov):
        return {"arlov": arlov}


def test_the_list_shows_this_municipality_s_areas_and_edit_links_to_managers_only(
    login, member, coordinator, arlov, eslov_centre
):
    content = login(member).get(url("area-list")).content.decode()
    assert "Arlöv" in content and "55,63720, 13,09500" in content
    assert "Eslöv centrum" not in content
    assert url("area-edit", pk=arlov.pk) not in content
    assert (
        url("area-edit", pk=arlov.pk) in login(coordinator).get(url("area-list")).content.decode()
    )


def test_an_area_of_another_municipality_answers_404(login, coordinator, eslov_centre):
    client = login(coordinator)
    assert client.get(url("area-edit", pk=eslov_centre.pk)).status_code == 404
    assert client.post(url("area-edit", pk=eslov_centre.pk), area_data()).status_code == 404
    eslov_centre.refresh_from_db()
    assert eslov_centre.name == "Eslöv centrum"


def test_the_list_takes_a_constant_number_of_queries(login, member, burlov):
    client = login(member)
    with CaptureQueriesContext(connection) as small:
        client.get(url("area-list"))
    Area.objects.bulk_create(Area(municipality=burlov, name=f"Område {i}") for i in range(25))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url("area-list"))
    assert len(response.context["areas"]) == 25
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_coordinator_adds_an_area(login, coordinator, burlov):
    response = login(coordinator).post(url("area-create"), area_data(), follow=True)
    assert response.status_code == 200
    area = Area.objects.get(name="Åkarp")
    assert (area.municipality, area.latitude, area.longitude, area.is_active) == (
        burlov,
        Decimal("55.65830"),
        Decimal("13.11300"),
        True,
    )
    assert "Området ”Åkarp” lades till." in response.content.decode()


def test_it_accepts_the_swedish_decimal_comma(login, coordinator):
    response = login(coordinator).post(
        url("area-create"), area_data(latitude="55,6583", longitude="13,113")
    )
    assert response.status_code == 302
    area = Area.objects.get(name="Åkarp")
    assert (area.latitude, area.longitude) == (Decimal("55.6583"), Decimal("13.113"))


def test_the_edit_form_shows_the_centre_with_a_decimal_comma(login, coordinator, arlov):
    content = login(coordinator).get(url("area-edit", pk=arlov.pk)).content.decode()
    assert 'value="55,63720"' in content and 'value="13,09500"' in content


def test_an_area_without_a_centre_is_allowed(login, coordinator):
    response = login(coordinator).post(url("area-create"), area_data(latitude="", longitude=""))
    assert response.status_code == 302
    assert not Area.objects.get(name="Åkarp").has_centre


def test_an_admin_changes_and_deactivates_an_area(login, admin_user, arlov):
    response = login(admin_user).post(
        url("area-edit", pk=arlov.pk),
        area_data(name="Arlöv centrum", kind=Area.Kind.DISTRICT, is_active=""),
    )
    assert response.status_code == 302
    arlov.refresh_from_db()
    assert (arlov.name, arlov.kind, arlov.is_active) == ("Arlöv centrum", Area.Kind.DISTRICT, False)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"latitude": "", "longitude": "13.1"}, "Ange både latitud och longitud"),
        ({"latitude": "55.6", "longitude": ""}, "Ange både latitud och longitud"),
        ({"latitude": "13.1", "longitude": "55.6"}, "Latituden måste ligga i Sverige"),
        ({"latitude": "55.6", "longitude": "2.35"}, "Longituden måste ligga i Sverige"),
        ({"latitude": "48.85", "longitude": "13.1"}, "Latituden måste ligga i Sverige"),
        ({"latitude": "norr"}, "Fyll i ett tal"),
        ({"name": ""}, "Detta fält måste fyllas i"),
        ({"name": "arlöv"}, "Kommunen har redan ett område med det namnet"),
        ({"kind": "planet"}, "Välj ett giltigt alternativ"),
    ],
)
def test_bad_input_gives_a_clear_message_and_saves_nothing(
    login, coordinator, arlov, data, message
):
    response = login(coordinator).post(url("area-create"), area_data(**data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Area.objects.values_list("name", flat=True)) == ["Arlöv"]


def test_the_same_name_is_free_in_another_municipality(login, outsider, arlov, eslov):
    response = login(outsider).post(
        url("area-create", municipality="eslov"),
        area_data(name="Arlöv", latitude="55.8", longitude="13.3"),
    )
    assert response.status_code == 302
    assert Area.objects.filter(name="Arlöv").count() == 2


def test_renaming_to_its_own_name_is_not_a_clash(login, coordinator, arlov):
    response = login(coordinator).post(url("area-edit", pk=arlov.pk), area_data(name="Arlöv"))
    assert response.status_code == 302
