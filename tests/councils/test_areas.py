"""Areas (områden): everyone in the municipality reads the list, managers keep it."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

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


# --- Outlines (issue 12, point 7) ----------------------------------------------------------------

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[13.05, 55.62], [13.10, 55.62], [13.10, 55.66], [13.05, 55.66], [13.05, 55.62]]
    ],
}
BURLOV_OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[13.0, 55.6], [13.2, 55.6], [13.2, 55.7], [13.0, 55.7], [13.0, 55.6]]],
}


def geojson_file(content, name="outline.geojson"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if not isinstance(content, bytes):
        content = (content if isinstance(content, str) else json.dumps(content)).encode()
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


def test_a_coordinator_draws_an_outline_and_it_is_stored_as_geojson(login, coordinator, arlov):
    response = login(coordinator).post(
        url("area-edit", pk=arlov.pk), area_data(name="Arlöv", outline=json.dumps(SQUARE))
    )
    assert response.status_code == 302
    arlov.refresh_from_db()
    assert arlov.outline["type"] == "Polygon"
    assert [13.05, 55.62] in arlov.outline["coordinates"][0]
    # The edit page gives the outline back to the map editor.
    content = login(coordinator).get(url("area-edit", pk=arlov.pk)).content.decode()
    assert "data-outline-editor" in content and "13.05" in content


def test_an_outline_is_imported_from_a_geojson_feature_collection(login, coordinator, arlov):
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"namn": "Arlöv"}, "geometry": SQUARE}],
    }
    data = area_data(name="Arlöv", outline_file=geojson_file(collection))
    response = login(coordinator).post(url("area-edit", pk=arlov.pk), data)
    assert response.status_code == 302
    arlov.refresh_from_db()
    assert arlov.outline["type"] == "Polygon"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe not text", "inte en GeoJSON-fil"),
        ("{not json", "inte giltig GeoJSON"),
        ("[1, 2]", "inte giltig GeoJSON"),
        ({"type": "Point", "coordinates": [13.0, 55.6]}, "Point"),
        ({"type": "Polygon", "coordinates": [[[13.0, 55.6], [13.1]]]}, "felaktiga"),
        ({"type": "Polygon", "coordinates": "x"}, "felaktiga"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[55.6, 13.0], [55.7, 13.0], [55.7, 13.1], [55.6, 13.0]]],
            },
            "utanför Sverige",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[13.0, 55.6], [13.1, 55.7], [13.1, 55.6], [13.0, 55.7], [13.0, 55.6]]
                ],
            },
            "korsa sig själv",
        ),
        ({"type": "FeatureCollection", "features": []}, "ingen polygon"),
        ('{"type": "Polygon", "coordinates": [[[NaN, 55.6]]]}', "inte giltig GeoJSON"),
        ("[" * 100_000, "inte giltig GeoJSON"),
    ],
)
def test_a_malformed_file_gets_a_clear_message_and_nothing_is_saved(
    login, coordinator, arlov, content, message
):
    data = area_data(name="Omdöpt", outline_file=geojson_file(content))
    response = login(coordinator).post(url("area-edit", pk=arlov.pk), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    arlov.refresh_from_db()
    assert arlov.name == "Arlöv" and arlov.outline is None


def test_a_pasted_outline_with_nul_or_huge_text_is_refused(login, coordinator, arlov):
    client = login(coordinator)
    for outline in ("\x00" + json.dumps(SQUARE), "x" * 2_100_000):
        response = client.post(url("area-edit", pk=arlov.pk), area_data(outline=outline))
        assert response.status_code == 400
    arlov.refresh_from_db()
    assert arlov.outline is None


def test_the_municipality_outline_is_imported_and_removed_by_managers_only(
    login, coordinator, member, police_partner, outsider, burlov
):
    from councils.models import MunicipalityOutline

    target = url("municipality-outline")
    for person in (member, police_partner):
        assert login(person).get(target).status_code == 403
        assert (
            login(person).post(target, {"outline": json.dumps(BURLOV_OUTLINE)}).status_code == 403
        )
    assert login(outsider).post(target, {"outline": json.dumps(BURLOV_OUTLINE)}).status_code == 404
    assert not MunicipalityOutline.objects.exists()

    client = login(coordinator)
    response = client.post(target, {"outline_file": geojson_file(BURLOV_OUTLINE)})
    assert response.status_code == 302
    assert MunicipalityOutline.objects.get(municipality=burlov).geometry["type"] == "Polygon"
    response = client.post(target, {"outline_file": geojson_file("{")})
    assert response.status_code == 400
    assert MunicipalityOutline.objects.filter(municipality=burlov).exists()
    assert client.post(target, {"outline": ""}).status_code == 302
    assert not MunicipalityOutline.objects.filter(municipality=burlov).exists()


def test_the_locator_finds_the_area_and_refuses_positions_outside(burlov, arlov):
    from councils.models import MunicipalityOutline
    from councils.services.geography import Locator

    translation.activate("sv")
    locator = Locator(burlov)
    # Without an outline, Sweden is the limit.
    assert locator.position_error(55.64, 13.07) is None
    assert "utanför Sverige" in locator.position_error(59.33, 25.0)
    arlov.outline = SQUARE
    arlov.save()
    MunicipalityOutline.objects.create(municipality=burlov, geometry=BURLOV_OUTLINE)
    locator = Locator(burlov)
    assert locator.area_at(55.64, 13.07) == arlov
    assert locator.area_at(55.68, 13.15) is None
    assert locator.position_error(55.68, 13.15) is None
    # Stockholm lies in Sweden, not in Burlöv.
    assert "utanför Burlöv" in locator.position_error(59.33, 18.06)
