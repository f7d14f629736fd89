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
from meetings.models import Meeting
from situation_reports.models import Incident, SituationReport, UpcomingEvent

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
      const right = p.getBoundingClientRect().right;
      if (style.overflowX !== 'visible' && right <= limit + 1) return true;
    }
    return false;
  };
  // How far an element reaches: its box, or its text when that overflows the box.
  const reach = (el) => {
    const r = el.getBoundingClientRect();
    const text = getComputedStyle(el).overflowX === 'visible' ? r.left + el.scrollWidth : 0;
    return r.width === 0 ? 0 : Math.max(r.right, text);
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = reach(el);
    if (right <= limit + 1 || clipped(el)) continue;
    const child = Array.from(el.children).some(c => reach(c) > limit + 1 && !clipped(c));
    if (child) continue;
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    const text = (el.textContent || '').trim().slice(0, 40);
    out.push(`${el.tagName.toLowerCase()}${cls} right=${Math.round(right)} "${text}"`);
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


def burlov_pages(burlov):
    meeting = Meeting.objects.filter(municipality=burlov).first()
    incident = Incident.objects.filter(municipality=burlov).first()
    report = SituationReport.objects.filter(municipality=burlov).first()
    return [
        "/burlov/",
        "/burlov/incidents/",
        meeting.get_absolute_url(),
        f"/burlov/incidents/{incident.pk}/",
        f"/burlov/reports/{report.pk}/",
    ]


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
    if username == OUTSIDER:
        # Burlöv's pages answer Eslöv's coordinator 404, never 403 and never data.
        for url in burlov_pages(world.burlov):
            assert phone.request.get(base_url + url).status == 404, url
    # The crawl must reach the app, not stop at the start page.
    assert len(result.patterns) >= (5 if username == OUTSIDER else 12), result.patterns
    assert not result.findings, result.report("Pages wider than the screen")


def test_the_width_check_finds_what_sticks_out_and_not_what_scrolls(phone):
    phone.set_content(
        '<body style="margin:0"><div style="overflow-x:auto"><table><tr><td style="white-space:'
        'nowrap">' + "x" * 300 + "</td></tr></table></div><p>fits</p></body>"
    )
    assert too_wide(phone, "about:blank", "scrolls") == []
    phone.set_content(f'<body><h1 style="overflow-wrap:normal">{LONG_PLACE}</h1></body>')
    found = too_wide(phone, "about:blank", "wide")
    assert found[0].startswith("wide: ") and int(found[0].split()[1]) > 390
    assert found[1].startswith("h1 right=")
