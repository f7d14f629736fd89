"""English pages are in English (issue 12, point 9).

As every role of Burlöv the browser switches the interface to English (the language button)
and follows every same-site link from the start page (``crawling``). On every page:

- ``<html lang="en">``;
- no interface text in Swedish: no text of the page (text nodes, also hidden ones such as menu
  items, and the ``aria-label``, ``title``, ``placeholder`` and ``alt`` attributes) is one of the
  Swedish translations of our catalogues or Django's (a ``msgstr`` that is not English too, with
  its placeholders matching anything), and none carries a Swedish name of a weekday or month, or
  "senast"/"kl.";
- dates and times follow the language, in the project's formats: no US dates ("Dec. 2, 2026",
  "12/2/2026") and no "a.m."/"p.m."/"noon"/"midnight".

Texts the users wrote are data, not interface: the demo's are Swedish and stay so. The checks
above only flag catalogue texts and date words, and a page's own data rarely contains those;
where it does, the text is listed in ``DATA`` below.

Generated agenda texts and report titles are stored as data (a message id and its parameters)
and rendered in the reader's language, so they are checked like every other text.

The pages of guests (a share link's agenda, an invitation's answer page) are opened without an
account, in an English browser, and checked the same way.
"""

import datetime
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import django
import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from meetings import rsvp
from meetings.models import Meeting
from meetings.services import create_share_link

from .crawling import crawl

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
ROLES = ["burlov.admin", "burlov.samordnare", "burlov.ledamot", "burlov.partner"]

TEXTS_JS = """() => {
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && parent.closest('script, style, template')) continue;
    // A text marked as another language (the "Svenska" button) is that language on purpose.
    const page = document.documentElement, marked = parent && parent.closest('[lang]');
    if (marked && marked !== page && marked.lang !== page.lang) continue;
    texts.push(node.textContent);
  }
  for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.hasAttribute(a)) texts.push(el.getAttribute(a));
    }
  }
  return {lang: document.documentElement.lang, texts};
}"""

SWEDISH_WORDS = re.compile(
    r"\b(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|januari|februari|mars|maj|juni|juli"
    r"|augusti|oktober|senast|kl\.)(?!\w)",
    re.IGNORECASE,
)
US_DATES = re.compile(
    r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}\b"
    r"|\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" \d{1,2}, \d{4}\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}(:\d\d)? ?[ap]\.m\."
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# The demo's data (user-written, Swedish on purpose) that contains one of the words above.
# (The demo's assessment is also an example text in the catalogue.)
DATA = ("Första maj", "fredag och lördag", "Läget är i stort sett oförändrat")


def catalogues():
    roots = [Path(settings.BASE_DIR) / app for app in ("trygghet", "councils", "meetings")]
    roots.append(Path(settings.BASE_DIR) / "situation_reports")
    files = [root / "locale/sv/LC_MESSAGES/django.po" for root in roots]
    django_root = Path(django.__file__).parent
    files.append(django_root / "conf/locale/sv/LC_MESSAGES/django.po")
    files.extend(django_root.glob("contrib/*/locale/sv/LC_MESSAGES/django.po"))
    return [polib.pofile(str(f)) for f in files if f.exists()]


@cache
def swedish_texts():
    """(exact Swedish texts, [(literal fragment, full-match regex)] for those with placeholders)."""
    english, swedish = set(), set()
    for po in catalogues():
        for entry in po.translated_entries():
            english.update(s.casefold() for s in (entry.msgid, entry.msgid_plural) if s)
            if entry.msgstr_plural:
                swedish.update((s, entry.msgid) for s in entry.msgstr_plural.values())
            else:
                swedish.add((entry.msgstr, entry.msgid))
    exact, patterns = set(), []
    for text, msgid in swedish:
        text = " ".join(text.split())
        if text == " ".join(msgid.split()) or text.casefold() in english:
            continue
        literal = PLACEHOLDER.sub("\0", text)
        fragments = [f.strip() for f in literal.split("\0")]
        longest = max(fragments, key=len)
        # Too short to tell Swedish from English or from data ("Ja", "%s st", "Mål").
        if len(re.sub(r"\W", "", longest)) < 4:
            continue
        if "\0" in literal:
            regex = ".+?".join(re.escape(f) for f in literal.split("\0"))
            patterns.append((longest, re.compile(regex, re.DOTALL)))
        else:
            exact.add(text)
    return exact, patterns


def swedish_in(text):
    if any(data in text for data in DATA):
        return None
    exact, patterns = swedish_texts()
    if text in exact:
        return "Swedish catalogue text"
    for fragment, regex in patterns:
        if fragment in text and regex.fullmatch(text):
            return "Swedish catalogue text"
    if SWEDISH_WORDS.search(text):
        return "Swedish date word"
    if US_DATES.search(text):
        return "US date or time format"
    return None


def in_english(page, url, name):
    found = page.evaluate(TEXTS_JS)
    problems = [] if found["lang"] == "en" else [f'<html lang="{found["lang"]}">']
    for raw in found["texts"]:
        text = " ".join((raw or "").split())
        if text:
            why = swedish_in(text)
            if why:
                problems.append(f"{why}: {text[:160]!r}")
    return sorted(set(problems))


@pytest.mark.parametrize("username", ROLES)
def test_english_pages_have_no_swedish_interface_text(
    page, base_url, login_as, demo_world, username
):
    demo_world()
    login_as(page, username, DEMO_PASSWORD)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # One address per URL pattern: the texts of a page do not change with its row as much as
    # its width does (the phone crawl opens two).
    result = crawl(page, base_url, "/burlov/", in_english, per_pattern=1)

    print(f"\n{username} in English: {len(result.findings)} of {len(result.opened)} pages opened")
    print(f"  with Swedish interface text: {len(result.findings)}")
    for url, found in result.findings.items():
        print(f"- {url}\n    " + "\n    ".join(found))
    assert len(result.patterns) >= 12, result.patterns
    assert not result.findings, (
        f"{len(result.findings)} English pages with Swedish interface text (see above)"
    )


def test_the_pages_of_guests_have_no_swedish_interface_text(page, base_url, demo_world):
    """A share link's agenda and an invitation's answer page, opened without an account."""
    demo_world()
    meeting = (
        Meeting.objects.filter(municipality__slug="burlov", status=Meeting.Status.PLANNED)
        .filter(agenda_items__isnull=False, attendances__user__isnull=False)
        .order_by("start")
        .first()
    )
    coordinator = User.objects.get(username="burlov.samordnare")
    _, token = create_share_link(
        created_by=coordinator,
        label="Polisen",
        expires_at=timezone.now() + datetime.timedelta(days=7),
        meeting=meeting,
    )
    page.goto(base_url + reverse("meetings_public:share", kwargs={"token": token}))
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    findings = {"share page": in_english(page, page.url, "share")}

    invitation = meeting.attendances.filter(user__isnull=False).first()
    page.goto(base_url + urlsplit(rsvp.answer_url(invitation, rsvp.YES)).path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    findings["answer page"] = in_english(page, page.url, "answer")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.locator("[data-answer-saved]")).to_be_visible()
    findings["answer saved"] = in_english(page, page.url, "answer saved")

    findings = {name: found for name, found in findings.items() if found}
    assert not findings, findings


# The detectors themselves: each finds what it is for, and leaves English and data alone.


def test_swedish_catalogue_texts_and_date_words_are_found():
    assert swedish_in("Spara")  # msgstr of "Save"
    assert swedish_in("justerat av Sara Nilsson, 2026-12-02")  # placeholders match anything
    assert swedish_in("senast 24 november 2026")
    assert swedish_in("tisdag 1 december")
    assert swedish_in("Compiled 12/02/2026 6:22 a.m.")
    assert swedish_in("Dec. 2, 2026")


def test_english_texts_and_the_demos_data_are_not_flagged():
    for text in [
        "Save",
        "Status",
        "Tuesday 1 December 2026, 21:05",
        "2026-12-02 06:22",
        "Only if it lasted past midnight.",
        "Första maj",
        "Burlöv",
    ]:
        assert swedish_in(text) is None, text


def test_a_text_marked_as_swedish_is_left_alone(page):
    page.set_content(
        '<html lang="en"><title>Start</title><body><button lang="sv">Svenska</button>'
        "<p>Avbryt</p></body></html>"
    )
    assert in_english(page, "about:blank", "test") == ["Swedish catalogue text: 'Avbryt'"]
