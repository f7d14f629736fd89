"""Every page fits a phone (issue 12, point 8).

As every role of Burlöv, and as Eslöv's coordinator (the outsider), the browser opens the start
page at 390×844 (an iPhone 12-14's viewport) and follows every same-site link (``crawling``):
no page may be wider than the screen (``document.documentElement.scrollWidth`` > 390). A table
may be wider, inside its own scrolling container. Before the crawl, Burlöv gets the long
unbroken words a user can type: a 200-character place name, a 300-character "word" in a
description, an area and an upcoming event named with one long word.

The test prints the pages it opened and those wider than the screen, with the elements that
stick out (the deepest ones, outside any scrolling container).
"""

import pytest
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from councils.models import Area
from situation_reports.models import Incident, UpcomingEvent

from .crawling import crawl

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
ROLES = ["burlov.admin", "burlov.samordnare", "burlov.ledamot", "burlov.partner"]
OUTSIDER = "eslov.samordnare"

# The widest elements that stick out of the screen, outside any container that clips or
# scrolls them: the deepest ones (whose children do not stick out themselves).
WIDTH_JS = """(limit) => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= limit) return null;
  // Clipped: inside a container that hides or scrolls what overflows it. An absolutely
  // positioned element is clipped only from its containing block (positioned ancestor) up.
  const clipped = (el) => {
    const position = getComputedStyle(el).position;
    if (position === 'fixed') return false;
    let escapes = position === 'absolute';
    for (let p = el.parentElement; p && p !== doc; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (escapes && style.position === 'static') continue;
      escapes = false;
      if (style.overflowX !== 'visible' && p.getBoundingClientRect().right <= limit + 1) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= limit + 1 || clipped(el)) continue;
    const child = Array.from(el.children).some(c => c.getBoundingClientRect().right > limit + 1);
    if (child) continue;
    const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    out.push(`${el.tagName.toLowerCase()}${cls} right=${Math.round(r.right)} "${(el.textContent || '').trim().slice(0, 40)}"`);
  }
  return {width: doc.scrollWidth, culprits: out.slice(0, 4)};
}"""

LONG_PLACE = "Långgatansförlängningsvägsrondellsparkeringsplatsen" * 4  # 204 characters
LONG_WORD = "Kvarteretsgemensamhetslokalsnyckelskåpsinbrottsförsök" * 6


def long_words(municipality):
    """The long unbroken texts a user can type, on Burlöv's rows that most pages show."""
    incident = Incident.objects.filter(municipality=municipality).order_by("-occurred_on").first()
    Incident.objects.filter(pk=incident.pk).update(
        place=LONG_PLACE[:200], description=f"Inbrott vid {LONG_WORD[:300]} i natt."
    )
    area = Area.objects.filter(municipality=municipality).order_by("pk").first()
    Area.objects.filter(pk=area.pk).update(name=LONG_PLACE[:100])
    event = UpcomingEvent.objects.filter(municipality=municipality).order_by("pk").first()
    UpcomingEvent.objects.filter(pk=event.pk).update(title=LONG_WORD[:200])


def too_wide(page, url, name):
    found = page.evaluate(WIDTH_JS, PHONE["width"])
    if not found:
        return []
    return [f"{name}: {found['width']} px wide"] + found["culprits"]


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.mark.parametrize("username", [*ROLES, OUTSIDER])
def test_no_page_is_wider_than_a_phone(phone, base_url, login_as, demo_world, username):
    world = demo_world()
    long_words(world.burlov)
    login_as(phone, username, DEMO_PASSWORD)
    start = "/eslov/" if username == OUTSIDER else "/burlov/"
    expect(phone).to_have_url(base_url + start)

    result = crawl(phone, base_url, start, too_wide)

    print("\n" + result.report(f"{username} at 390×844: pages wider than the screen"))
    # The crawl must reach the app, not stop at the start page.
    assert len(result.patterns) >= (5 if username == OUTSIDER else 12), result.patterns
    assert not result.findings, result.report("Pages wider than the screen")
