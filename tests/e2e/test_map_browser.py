"""Issue 9, finding 7: every string that reaches the map's JavaScript is shown as text.

An area's name went into the Leaflet tooltip as HTML (the CSP stopped scripts, the markup went
in). Here an area, a category and a place carry markup, and the map must show it literally and
create no element from it.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.models import Area, Municipality, Organisation
from situation_reports.models import Incident, IncidentCategory
from tests.factories import PASSWORD, make_user
from trygghet import access

pytestmark = pytest.mark.django_db(transaction=True)

MARKUP = '<b id="x">Bold</b><img src=x>'


def test_markup_in_names_is_shown_literally_on_the_map(page, base_url, login_as):
    burlov = Municipality.objects.create(name="Burlöv", slug="burlov", code="1231")
    org = Organisation.objects.create(
        name="Burlövs kommun", kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION
    )
    org.municipalities.add(burlov)
    coordinator = make_user("burlov.coordinator", burlov, access.COORDINATOR, org)
    Area.objects.create(municipality=burlov, name=MARKUP, latitude=55.63, longitude=13.07)
    Area.objects.create(municipality=burlov, name="Åkarp", latitude=55.65, longitude=13.11)
    category = IncidentCategory.objects.create(
        municipality=burlov, code="markup", name=f'<i id="y">Kategori</i>{MARKUP}'
    )
    started = timezone.now() - datetime.timedelta(hours=2)
    Incident.objects.create(
        municipality=burlov,
        occurred_on=timezone.localdate(started),
        started_at=started,
        category=category,
        # Its own position, at the middle of the two areas: the centre of the map.
        latitude="55.64000",
        longitude="13.09000",
        place=f'<a id="z" href="#">Plats</a>{MARKUP}',
        description="Klotter.",
        created_by=coordinator,
    )

    login_as(page, coordinator.username, PASSWORD)
    page.goto(f"{base_url}/burlov/incidents/map/")
    # Both layers (incidents, safety-walk observations) have been drawn: the status line, above
    # the map, no longer grows and moves it.
    status = page.locator("#map-status")
    expect(status).to_contain_text("1 av 1 händelser på kartan")
    expect(status).to_contain_text("Otrygga platser från trygghetsvandringar: 0.")

    # No tiles are configured, so the areas' names are permanent tooltips.
    tooltips = page.locator(".leaflet-tooltip")
    expect(tooltips.filter(has_text=MARKUP)).to_have_count(1)

    # The incident's popup: open it by clicking its marker in the middle of the map.
    box = page.locator("#incident-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(f'<i id="y">Kategori</i>{MARKUP}')
    expect(popup).to_contain_text(f'<a id="z" href="#">Plats</a>{MARKUP}')
    expect(popup.get_by_role("link", name="Öppna händelsen")).to_be_visible()

    # Nothing of the markup became an element anywhere on the page.
    for selector in ("#x", "#y", "#z", "img[src='x']", ".leaflet-pane b", ".leaflet-pane i"):
        expect(page.locator(selector)).to_have_count(0)
