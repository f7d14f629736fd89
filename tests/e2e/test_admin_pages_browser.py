"""The municipality's own administration in the pages: the Burlöv admin adds a police officer,
the coordinator adds an area. Every list and form passes axe-core (WCAG 2.1 AA)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from councils.models import Area, User

pytestmark = pytest.mark.django_db(transaction=True)


def open_user_menu_link(page, name):
    page.locator("header .dropdown-toggle").last.click()
    page.get_by_role("link", name=name, exact=True).click()


def test_the_admin_adds_a_police_officer_who_appears_in_the_list(
    page, base_url, login_as, assert_accessible, screenshot, eager_celery, demo_world
):
    # eager_celery: the invitation is sent in the live server's thread, not by a worker.
    demo_world(only=["councils"])
    login_as(page, "burlov.admin", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/")
    open_user_menu_link(page, "Personer")
    expect(page.get_by_role("heading", level=1, name="Personer")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "admin-people-list")

    page.get_by_role("link", name="Lägg till en person").click()
    expect(page.get_by_role("heading", level=1, name="Lägg till en person")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Förnamn").fill("Sara")
    page.get_by_label("Efternamn").fill("Lind")
    page.get_by_label("E-post").fill("sara.lind@polisen.example")
    page.get_by_label("Roll").select_option(label="samverkanspart")
    page.get_by_label("Organisation").select_option(label="Polisen, lokalpolisområde Kävlinge")
    page.get_by_label("Befattning").fill("Kommunpolis")
    screenshot(page, "admin-person-form")
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_text("En inbjudan att välja lösenord skickades")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Sara Lind")
    expect(row).to_contain_text("Polisen, lokalpolisområde Kävlinge")
    expect(row).to_contain_text("Kommunpolis")
    assert_accessible(page)
    screenshot(page, "admin-people-added")
    assert User.objects.get(email="sara.lind@polisen.example").municipality_memberships.count() == 1
    assert len(mail.outbox) == 1
    assert re.search(r"/accounts/reset/\S+", mail.outbox[0].body)

    # Filter by organisation: only the police remain.
    page.get_by_label("Organisation").select_option(label="Polisen, lokalpolisområde Kävlinge")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("row").filter(has_text="Sara Lind")).to_be_visible()
    assert_accessible(page)

    open_user_menu_link(page, "Organisationer")
    expect(page.get_by_role("heading", level=1, name="Organisationer")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "admin-organisations")
    page.get_by_role("link", name="Lägg till en organisation").click()
    expect(page.get_by_role("heading", level=1, name="Lägg till en organisation")).to_be_visible()
    assert_accessible(page)

    # The new person's page: role, organisation, title, active.
    page.goto(f"{base_url}/burlov/people/")
    page.get_by_role("link", name="Ändra Sara Lind").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sara Lind")
    assert_accessible(page)
    screenshot(page, "admin-person-edit")


def test_the_coordinator_adds_an_area(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world(only=["councils"])
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/")
    open_user_menu_link(page, "Områden")
    expect(page.get_by_role("heading", level=1, name="Områden")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nytt område").click()
    assert_accessible(page)
    page.get_by_label("Namn").fill("Tågarp")
    page.get_by_label("Latitud").fill("55,6489")
    page.get_by_role("button", name="Spara").click()
    # Only one coordinate: a clear message, nothing saved.
    expect(page.get_by_text("Ange både latitud och longitud för mittpunkten")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "areas-form-error")
    assert not Area.objects.filter(name="Tågarp").exists()
    page.get_by_label("Longitud").fill("13.0734")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Området ”Tågarp” lades till.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Tågarp")).to_contain_text("55,64890")
    assert_accessible(page)
    screenshot(page, "areas-list")
