"""Issue 12, point 6: logging an incident by keyboard only, keypresses counted.

The common case: a category, an area, a description, then "save and log another". The test
types it as a keyboard user would, from the form's first field: letters into the fields
(text keys), Tab to move on and Enter or Ctrl+Enter to save (non-text keys, counted). It moves
with Tab only until the field it wants has the focus, so the count is the shortest honest Tab
path through the form as it is laid out.
"""

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from situation_reports.models import Incident
from situation_reports.services.categories import ensure_default_categories

pytestmark = pytest.mark.django_db(transaction=True)

TARGET = 15


class Keyboard:
    """The page's keyboard, counting the non-text keys pressed."""

    def __init__(self, page):
        self.page = page
        self.presses = []

    def press(self, key):
        self.presses.append(key)
        self.page.keyboard.press(key)

    def type(self, text):
        self.page.keyboard.type(text)

    def tab_to(self, locator, limit=60):
        """Tab until ``locator`` has the focus (a failure after ``limit`` presses)."""
        for _ in range(limit):
            if locator.evaluate("el => el === document.activeElement"):
                return
            self.press("Tab")
        raise AssertionError(f"{limit} Tab presses did not reach {locator}")


def log_one(page, keys, *, category, area, description, save):
    expect(page.locator("#id_category")).to_be_focused()
    keys.type(category)
    keys.tab_to(page.locator("#id_area"))
    keys.type(area)
    keys.tab_to(page.locator("#id_description"))
    keys.type(description)
    save(keys)
    expect(page.get_by_text("sparades")).to_be_visible()


def tab_to_save_and_next(page):
    def save(keys):
        keys.tab_to(page.get_by_role("button", name="Spara och registrera nästa", exact=True))
        keys.press("Enter")

    return save


def test_logging_by_keyboard_only_by_tab_and_enter(page, base_url, login_as, demo_world):
    demo_world(only=["councils"])
    ensure_default_categories()
    login_as(page, "eslov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/eslov/incidents/new/")
    keys = Keyboard(page)
    log_one(
        page,
        keys,
        category="Klotter",
        area="Löberöd",
        description="Nytt klotter på busskuren.",
        save=tab_to_save_and_next(page),
    )
    print(f"\nKeyboard only, Tab and Enter: {len(keys.presses)} non-text keys {keys.presses}")
    incident = Incident.objects.get()
    assert incident.area.name == "Löberöd"
    assert incident.category.name == "Klotter"
    assert len(keys.presses) <= TARGET
