"""The Burlöv coordinator builds a working group and an action in the pages; the action's
lead follows it up, and the follow-up shows on the strategic council's dashboard. Every page
on the way passes axe-core (WCAG 2.1 AA)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from councils.models import Action, Membership

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_appoints_a_working_group_and_the_lead_follows_up_an_action(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world(only=["councils"])
    today = timezone.localdate()

    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Organisation"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Burlöv")
    expect(page.get_by_role("heading", name="Organisationsschema")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "councils-chart")

    # The preparation group appoints a new working group.
    page.get_by_role("link", name="Beredningsgrupp", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Beredningsgrupp")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Tillsätt en arbetsgrupp").click()
    expect(page.get_by_label("Överordnad grupp")).to_have_value(
        page.get_by_label("Överordnad grupp")
        .locator("option", has_text="Beredningsgrupp")
        .get_attribute("value")
    )
    assert_accessible(page)
    page.get_by_label("Namn").fill("Arbetsgrupp våld i nära relationer")
    page.get_by_label("Uppdrag").fill("Genomför insatserna mot våld i nära relationer.")
    page.get_by_role("button", name="Spara").click()
    expect(
        page.get_by_role("heading", level=1, name="Arbetsgrupp våld i nära relationer")
    ).to_be_visible()
    expect(page.get_by_text("Tillsatt av / rapporterar till: Beredningsgrupp")).to_be_visible()

    # Two members from different organisations.
    for person, role, organisation in [
        ("Fatima Ali", "ordförande", "Burlövs kommun, barn- och utbildningsförvaltningen"),
        ("Mikael Öst", "ledamot", "Polisen, lokalpolisområde Kävlinge"),
    ]:
        page.get_by_role("link", name="Lägg till medlem").click()
        page.get_by_label("Person").select_option(label=person)
        page.get_by_label("Roll").select_option(label=role)
        page.get_by_label("Representerar").select_option(label=organisation)
        assert_accessible(page)
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_role("row", name=person)).to_contain_text(organisation)
    assert_accessible(page)
    screenshot(page, "councils-working-group")
    assert (
        Membership.objects.current()
        .filter(body__name="Arbetsgrupp våld i nära relationer")
        .values("organisation")
        .distinct()
        .count()
        == 2
    )

    # An action under a focus area, assigned to the new group, led by Fatima Ali.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Överenskommelse"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Samverkansöverenskommelse mellan Burlövs kommun").click()
    assert_accessible(page)
    screenshot(page, "councils-agreement")
    page.get_by_role("link", name="Ny insats Våld i nära relationer").click()
    page.get_by_label("Titel").fill("Samtalsgrupper för unga som bevittnat våld")
    page.get_by_label("Ansvarig organisation").select_option(
        label="Burlövs kommun, barn- och utbildningsförvaltningen"
    )
    page.get_by_label("Arbetsgrupp").select_option(label="Arbetsgrupp våld i nära relationer")
    page.get_by_label("Ansvarig person").select_option(label="Fatima Ali")
    page.get_by_label("Klar senast").fill((today + datetime.timedelta(days=180)).isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(
        page.get_by_role("heading", level=1, name="Samtalsgrupper för unga som bevittnat våld")
    ).to_be_visible()
    action_url = page.url
    action = Action.objects.get(title="Samtalsgrupper för unga som bevittnat våld")
    assert action.working_group.name == "Arbetsgrupp våld i nära relationer"
    assert action.lead.username == "burlov.skolchef"

    # The lead logs in and posts a follow-up.
    page.context.clear_cookies()
    login_as(page, "burlov.skolchef", DEMO_PASSWORD)
    page.goto(action_url)
    assert_accessible(page)
    page.get_by_role("link", name="Lämna uppföljning").click()
    page.get_by_label("Status efter uppföljningen").select_option(label="pågående")
    page.get_by_label("Lägesrapport").fill("Första gruppen startade med sex deltagare.")
    page.get_by_label("Nedlagda timmar").fill("6")
    assert_accessible(page)
    page.get_by_role("button", name="Lämna uppföljning").click()
    expect(page.get_by_text("Första gruppen startade med sex deltagare.")).to_be_visible()
    expect(page.get_by_text("Status ändrad från planerad till pågående")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "councils-action")

    # The follow-up shows on the dashboard.
    page.get_by_role("link", name="Samverkansöverenskommelse mellan Burlövs kommun").click()
    page.get_by_role("link", name="Uppföljning", exact=True).click()
    section = page.get_by_role("region", name="2. Våld i nära relationer")
    expect(section).to_contain_text("Första gruppen startade med sex deltagare.")
    assert_accessible(page)
    screenshot(page, "councils-follow-up")
