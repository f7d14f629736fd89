"""Issue 9, finding 7: every string that reaches the map's JavaScript is shown as text.

An area's name went into the Leaflet tooltip as HTML (the CSP stopped scripts, the markup went
in). Here an area, a category and a place carry markup, and the map must show it literally and
create no element from it.
"""

import datetime
import re

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


# --- Issue 12, point 7: outlines, clusters, keyboard popups, position pickers ----------------


def test_the_demo_map_draws_outlines_clusters_markers_and_opens_popups_from_the_keyboard(
    page, base_url, login_as, demo_world, assert_accessible, screenshot
):
    from councils.demo import DEMO_PASSWORD

    demo_world()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/incidents/map/?status=all")
    map_element = page.locator("#incident-map")
    expect(map_element).to_have_attribute("data-loaded", "true")
    # Without tiles: the municipality's outline and its four areas' are drawn (SVG paths).
    expect(page.locator("#no-tiles")).to_be_visible()
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(5)
    # Incidents without a position are counted on their area, none piled on a centre.
    expect(page.locator(".map-area-count").first).to_contain_text("utan position")
    expect(page.locator("#map-status")).to_contain_text("räknas i stället på sitt område")
    # Markers close together are clustered.
    expect(page.locator(".map-cluster").first).to_be_visible()
    screenshot(page, "map-demo-burlov")
    assert_accessible(page)

    # The keyboard: markers and clusters are focusable; Enter on a cluster zooms in (the cluster
    # goes), until single markers are drawn, whose popup Enter opens.
    for _ in range(12):
        if page.locator(".map-marker").count():
            break
        cluster = page.locator(".map-cluster").first
        handle = cluster.element_handle()
        cluster.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("el => !el.isConnected", arg=handle)
    page.locator(".map-marker").first.focus()
    assert page.evaluate("document.activeElement.classList.contains('map-marker')")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name="Öppna händelsen")).to_be_visible()


def test_the_map_zooms_to_the_filtered_set(page, base_url, login_as, demo_world):
    from councils.demo import DEMO_PASSWORD

    demo_world()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/incidents/map/?status=all")
    expect(page.locator("#incident-map")).to_have_attribute("data-loaded", "true")
    area = Area.objects.get(municipality__slug="burlov", name="Hjärup")
    page.goto(f"{base_url}/burlov/incidents/map/?status=all&area={area.pk}")
    expect(page.locator("#incident-map")).to_have_attribute("data-loaded", "true")
    # Every marker drawn lies inside the visible map (it was fitted to them) and the map is
    # zoomed further in than the whole municipality.
    boxes = page.locator(".map-marker, .map-cluster").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect()).map(r => [r.x, r.y])"
    )
    frame = page.locator("#incident-map").bounding_box()
    assert boxes
    for x, y in boxes:
        assert frame["x"] - 20 <= x <= frame["x"] + frame["width"]
        assert frame["y"] - 20 <= y <= frame["y"] + frame["height"]


def test_a_coordinator_draws_an_area_outline_and_a_bad_file_gets_a_message(
    page, base_url, login_as, demo_world, assert_accessible
):
    from councils.demo import DEMO_PASSWORD

    demo_world(only=["councils"])
    area = Area.objects.get(municipality__slug="burlov", name="Sunnanå")
    Area.objects.filter(pk=area.pk).update(outline=None)
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/areas/{area.pk}/edit/")
    map_element = page.locator(".outline-map")
    expect(map_element).to_have_attribute("data-ready", "true")
    assert_accessible(page)
    # The polygon tool of Leaflet-Geoman, then four clicks and a click on the first corner.
    page.locator(".leaflet-pm-icon-polygon").click()
    # Clicks land only inside the viewport: the whole map in view, wherever the header ends.
    map_element.scroll_into_view_if_needed()
    box = map_element.bounding_box()
    corners = [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6), (0.4, 0.4)]
    for fx, fy in corners:
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    expect(map_element).to_have_attribute("data-polygons", "1")
    expect(page.locator("#id_outline")).to_have_value(re.compile('"type": ?"Polygon"'))
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".alert-success")).to_contain_text("Sunnanå")
    area.refresh_from_db()
    assert area.outline["type"] == "Polygon" and len(area.outline["coordinates"][0]) == 5

    # A file that is not GeoJSON: a message in Swedish, nothing changed.
    page.goto(f"{base_url}/burlov/areas/{area.pk}/edit/")
    page.get_by_label("… eller importera gränsen från en GeoJSON-fil").set_input_files(
        files=[{"name": "fel.geojson", "mimeType": "application/geo+json", "buffer": b"{oops"}]
    )
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("form.card")).to_contain_text("Gränsen är inte giltig GeoJSON")
    saved = area.outline
    area.refresh_from_db()
    assert area.outline == saved


def test_the_incident_form_picks_the_position_on_the_map_and_refuses_one_outside(
    page, base_url, login_as, demo_world, assert_accessible, screenshot
):
    from councils.demo import DEMO_PASSWORD

    demo_world(only=["councils", "situation_reports"])
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base_url}/burlov/incidents/new/")
    picker = page.locator(".position-map")
    expect(picker).to_have_attribute("data-ready", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    # Click the middle of Åkarp's outline on the map: the fields follow.
    akarp = Area.objects.get(municipality__slug="burlov", name="Åkarp")
    from shapely.geometry import shape

    inside = shape(akarp.outline).representative_point()
    # Typed, the position shows on the map; clicked, the fields follow.
    page.get_by_label("Latitud").fill(f"{inside.y:.5f}")
    page.get_by_label("Longitud").fill(f"{inside.x:.5f}")
    page.get_by_label("Longitud").dispatch_event("change")
    expect(picker).to_have_attribute("data-position", f"{inside.y:.5f},{inside.x:.5f}")
    screenshot(page, "incident-form-picker-390")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    expect(page.get_by_label("Latitud")).not_to_have_value(f"{inside.y:.5f}")
    clicked = page.get_by_label("Latitud").input_value()
    expect(picker).to_have_attribute("data-position", re.compile(rf"^{re.escape(clicked)},"))

    # Stockholm is in Sweden but not in Burlöv: refused, with the reason.
    page.get_by_label("Latitud").fill("59.33000")
    page.get_by_label("Longitud").fill("18.06000")
    page.get_by_label("Kategori").select_option(label="Klotter")
    page.get_by_label("Beskrivning").fill("Klotter på muren.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("form.incident-form")).to_contain_text("ligger utanför Burlöv")


def test_a_safety_walk_observation_takes_its_position_from_the_map(
    page, base_url, login_as, demo_world
):
    from councils.demo import DEMO_PASSWORD
    from councils.models import Body
    from meetings.models import Kind
    from tests.factories import MeetingFactory

    demo_world(only=["councils"])
    body = Body.objects.filter(municipality__slug="burlov").first()
    walk = MeetingFactory(
        body=body,
        kind=Kind.SAFETY_WALK,
        title="Trygghetsvandring Arlöv",
        start=timezone.now() - datetime.timedelta(days=1),
    )
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}{walk.get_absolute_url()}")
    picker = page.locator(".position-map")
    expect(picker).to_have_attribute("data-ready", "true")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.55)
    expect(picker).to_have_attribute("data-position", re.compile(r"^55\.\d{5},13\.\d{5}$"))
    clicked = picker.get_attribute("data-position")
    form = page.locator("form[action$='/observations/']")
    form.locator("[name=place]").fill("Gångtunneln")
    form.locator("[name=category]").select_option(index=1)
    form.locator("[name=description]").fill("Två lampor trasiga")
    form.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()
    observation = walk.observations.get()
    assert f"{observation.latitude},{observation.longitude}" == clicked
