"""The canary test: a restricted incident never reaches a private company or another
municipality, whatever the page, link, file, form or e-mail (issue 9, part C). A new page is
covered without any change here: the test reads the URLconf, the links and the forms.

What it does, in order:

1. Seeds the demo (``seed_demo``: Burlöv and Eslöv with their people, a year of incidents, the
   police's open data, meetings, minutes and situation reports) and adds three people of Burlöv
   whose organisation is a private company: an admin and a member from Trygghetsbolaget Syd AB
   (security company) and a coordinator from Burlövs Bostäder AB (housing company), each with a
   seat in every body of Burlöv (``canary_world.plant``).
2. Plants two canaries, through the incident forms as people do:
   - the canary: a restricted incident of high severity in a Burlöv category and a Burlöv area
     of its own, logged by the police within the period of the situation group's next meeting,
     then corrected once by the coordinator (description, place, a reason for the change), so
     its history holds both versions; its position is unique too;
   - the opened canary: logged as restricted by the police, then redacted and opened by the
     coordinator; every Burlöv person may read it now, but not what it said while restricted.
   Every text carries a unique string (``CANARY7f3a…``, ``canary_world.incident_tokens``).
   The canary has a photo (``trygghet.attachments.add_photo``), known by its address and its
   stored bytes (re-encoded when stored, so no marker survives in the pixels), and the canary's
   meeting has a document whose title and text carry canary strings of the ``municipal`` tier
   (Burlöv's people may read it, nobody outside Burlöv).
   Then everything that aggregates incidents is brought up to date: the next meeting's
   situation report is compiled again and put on its agenda, a lägesbild of the default period
   is compiled (both must list the canary among the notable incidents), every agenda of the
   coming 60 days is filled and the next meeting's agenda is published (its e-mails go out).
   Share links are made for that meeting and for its series.
3. Checks that the canary can be seen at all (``a_public_authority_finds_the_canary``): the
   coordinator of Burlöv (a public authority) finds its strings on its page and in its history,
   in both exports (CSV, XLSX), on the map, in both lägesbilder and their PDFs, and on the
   agenda, with the same readers of HTML, PDF (pdftotext and pdfinfo), XLSX (openpyxl), CSV and
   ICS that search for it below.
4. Visits as each of: the partner of Burlövs Bostäder, the three private people of Burlöv, the
   admin, coordinator, member and partner of Eslöv, and an anonymous guest holding the share
   links (``canary_world.roles``). Each visit (``canary_crawler.Crawler``: the Django test
   client with CSRF checks on, a fresh one per person):

   - opens every URL pattern of the URLconf (``get_resolver()`` walked recursively, the Django
     admin included), each parameter filled from the database (``canary_world.addresses``):
     the canary's own objects (both incidents, the reports, the meeting and its automatic
     agenda items, the body, the series, the share links, the area), in Burlöv's addresses and
     in Eslöv's (where they must answer 404); for a model the canary has no row of, the newest
     row of Burlöv; for people of Eslöv, also the newest row of Eslöv (files excepted); share
     links and private calendar addresses (made for the person) fill the token patterns;
   - follows every link found (``href``, ``src``, ``hx-get``, ``data-*``, redirects, GET form
     actions, addresses in scripts, JSON and calendar files) within the site, breadth-first,
     at most ``Limits.links_per_view`` new addresses per view (one per view answering a file)
     and ``links_per_shape`` per view and set of query parameters; people outside Burlöv do
     not follow links to their own municipality's files;
   - reads every file reached (PDF, XLSX, CSV, ICS, JSON);
   - submits every form met (``Limits.forms_per_view`` per view of its action, every named
     submit button), as a browser does: the fields' own values and the form's CSRF token
     (htmx forms: the ``X-CSRFToken`` of the page); the canary's category, area, date, time,
     place and high severity wherever a field takes them, so logging an incident like it meets
     the duplicate check; the common prefix of its strings in free-text searches; a CSV row
     copied from the canary in file uploads; a neutral text in other required fields.
     Redirects are followed, and so is every link of a search's result that carries the same
     search (its exports, the map's data, the next page);
   - posts, with a valid CSRF token and nothing else, to every address that refused a GET
     (405), as an attacker would (withdrawing the canary by its id, say).

   Each submission runs in a savepoint that is rolled back, and the cookies are put back
   (a submitted logout or language form does not end the visit), so every form starts from the
   same world and so does the next person. ``transaction.on_commit`` callbacks run, with Celery
   eager, so the e-mails a submission causes are sent.

   Every response, headers and body, is searched with the rules of ``canary_world.Checker``
   (and its body for the canary photo's bytes):
   the incidents' strings (and the canary's address, ``/burlov/incidents/<id>/``) never
   appear; its category's name appears to people of Burlöv only as a choice (``<option>``), on
   the category and area pages, or in the answer to their own submission of it; its area, one
   of Burlöv's like any other, never appears outside Burlöv. A string the visitor sent in the
   very request (or the form that led to it) is not looked for in the answer (the echo rule):
   searches use the common prefix only, so they never carry a whole canary string.
   Then each of them but the guest goes through the API with a token of their own
   (``canary_api``: every endpoint, the filters that would find the canary, both canaries by
   id, logging an incident like it), the answers searched by the same ``Checker``; the
   canary's id answers 404, the opened canary's 200 in Burlöv and 404 elsewhere.
5. Searches every e-mail sent during the test (``mail.outbox``: the setup's and the
   submissions') the same way, unless all its recipients are public authorities of Burlöv.
6. Prints, per person, how many addresses of the URLconf, links, files (by kind), forms (POST,
   GET) and blind posts it tried, with the time taken, and fails with every leak found (person,
   string, address, context), every request that crashed, and unless each visit reached what it
   must: every URL pattern opened; the canary's address answered 404 (the guest: a redirect to
   the login page) and the opened canary's 200 in Burlöv and 404 elsewhere; the canary's photo
   404 for everyone (the guest: the login page), the document of Burlöv 404 outside it; for
   people of Burlöv, a file of each kind read, the free-text search and (for those who log
   incidents) the duplicate check tried with the canary's values; the guest's share links opened and
   answered; at least ``Role.min_forms`` forms submitted; the request limit not reached.
"""

import time
from collections import Counter

import pytest
from django.core import mail
from django.test import Client

from councils.models import MunicipalityMembership, User
from situation_reports.models import Incident
from situation_reports.permissions import LOGGERS
from trygghet.celery import app as celery_app

from . import canary_api
from .canary_crawler import Crawler, body_of, kind_of, texts_of, url_patterns, view_name
from .canary_world import (
    CATEGORY,
    PREFIX,
    Checker,
    all_addresses,
    form_submissions,
    plant,
    prepare_role,
    roles,
)

# In the normal suite (``make test``); ``-m canary`` runs it alone.
pytestmark = [pytest.mark.django_db, pytest.mark.canary]

FILE_KINDS = ("pdf", "xlsx", "csv", "ics")


@pytest.fixture
def canary(demo_world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        demo_world()
        yield plant()
    finally:
        celery_app.conf.task_always_eager = eager


def test_no_private_company_and_no_other_municipality_ever_sees_the_canary(canary):
    a_public_authority_finds_the_canary(canary)
    patterns = url_patterns()
    checker = Checker(canary)
    visits = []
    for role in roles():
        prepare_role(role)
        urls, missing = all_addresses(patterns, role, canary)
        assert not missing, f"the canary test cannot fill these URL parameters: {missing}"
        if role.username is None:
            urls = [f"/share/{token}/" for token in canary.share_tokens] + urls
        crawler = Crawler(role, checker, role.limits)
        began = time.perf_counter()
        crawler.open_all(urls)
        crawler.submit_forms(form_submissions(canary, role))
        crawler.post_where_get_is_refused()
        crawler.seconds = time.perf_counter() - began
        visits.append(crawler)

    # The same people through the API, each with a token of their own (canary_api).
    api_visits = [canary_api.visit(c.role, canary, checker) for c in visits if c.role.username]

    readers, outsiders = _recipients()
    for message in mail.outbox:
        checker.check_mail(message, readers, outsiders)

    report = _report(visits, patterns)
    report += "\nThrough the API: " + ", ".join(
        f"{v.role.label} {v.requests} requests" for v in api_visits
    )
    print(report)
    problems = []
    if checker.leaks:
        problems.append(f"{len(checker.leaks)} leaks of the canary:")
        seen = set()
        for leak in checker.leaks:
            key = (leak.role, leak.token.name, leak.where.split("?")[0])
            if key in seen:
                continue
            seen.add(key)
            problems.append(
                f"- {leak.role}: {leak.token.name} ({leak.token.value}) in {leak.where}\n"
                f"    … {leak.context} …"
            )
    for crawler in visits:
        problems += _shortfalls(crawler, patterns, canary)
    for api_visit in api_visits:
        problems += api_visit.problems
    assert not problems, report + "\n" + "\n".join(problems)


def a_public_authority_finds_the_canary(canary):
    """The control: what the visits must never see is there to be seen, and the readers of
    pages and files find it."""
    tokens = {t.name: t.value for t in canary.tokens}
    client = Client()
    client.force_login(canary.reader)
    detail = _texts(client, canary.detail_url)
    for name in ("description (original)", "description (edited)", "place (original)"):
        assert tokens[name] in detail
    for name in ("place (edited)", "reason for the change", "category name", "area name"):
        assert tokens[name] in detail
    for fmt in ("csv", "xlsx"):
        export = _texts(client, f"/burlov/incidents/export.{fmt}?q={PREFIX}")
        assert tokens["description (edited)"] in export and tokens["latitude"] in export
    assert canary.detail_url in _texts(client, "/burlov/incidents/map/data.json")
    for report in canary.reports:
        for url in (f"/burlov/reports/{report.pk}/", f"/burlov/reports/{report.pk}/pdf/"):
            text = _texts(client, url)
            assert tokens["category name"] in text and tokens["description (edited)"] in text
    assert f"{CATEGORY}: 1" in _texts(client, f"/burlov/meetings/{canary.meeting.pk}/")
    opened = _texts(client, f"/burlov/incidents/{canary.opened.pk}/")
    assert tokens["description (while restricted)"] in opened
    assert tokens["place (while restricted)"] in opened
    # The canary's photo on its page, and its bytes at its address; the document of Burlöv on
    # its meeting's page, and its text in the download.
    assert canary.photo_url in detail
    photo = client.get(canary.photo_url)
    assert photo.status_code == 200 and body_of(photo) == canary.photo_bytes
    assert tokens["attachment title"] in _texts(client, f"/burlov/meetings/{canary.meeting.pk}/")
    assert canary.attachment_url in _texts(client, f"/burlov/meetings/{canary.meeting.pk}/")
    assert tokens["attachment text"] in _texts(client, canary.attachment_url)
    canary_api.a_public_authority_finds_the_canary(canary, tokens)
    assert Incident.objects.filter(pk=canary.incident.pk, confidentiality="restricted").exists()


def _texts(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return "\n".join(text for _label, text in texts_of(response, kind_of(response)))


def _recipients():
    """E-mail addresses of Burlöv's public-authority people, and of people outside Burlöv."""
    readers, insiders = set(), set()
    for m in MunicipalityMembership.objects.filter(
        municipality__slug="burlov", is_active=True
    ).select_related("user", "organisation"):
        insiders.add(m.user.email)
        if m.can_read_restricted:
            readers.add(m.user.email)
    outsiders = set(User.objects.exclude(email__in=insiders).values_list("email", flat=True))
    return readers, outsiders


def _report(visits, patterns):
    lines = [
        "",
        f"Canary test: {len(patterns)} URL patterns; {len(mail.outbox)} e-mails sent and read",
        f"{'who':38} {'urls':>5} {'links':>5} {'pdf':>4} {'xlsx':>4} {'csv':>4} {'ics':>4} "
        f"{'json':>4} {'forms':>5} {'post':>5} {'get':>4} {'blind':>5} {'reqs':>5} {'secs':>5}",
    ]
    timings = Counter()
    for c in visits:
        n = c.counts
        timings.update(c.timings)
        lines.append(
            f"{c.role.label:38} {n['urls']:>5} {n['links']:>5} {n['file:pdf']:>4} "
            f"{n['file:xlsx']:>4} {n['file:csv']:>4} {n['file:ics']:>4} {n['file:json']:>4} "
            f"{n['forms:post'] + n['forms:get']:>5} {n['forms:post']:>5} {n['forms:get']:>4} "
            f"{n['blind posts']:>5} {n['requests']:>5} {c.seconds:>5.1f}"
        )
    slowest = ", ".join(f"{name} {secs:.1f} s" for name, secs in timings.most_common(5))
    lines.append(f"CPU in requests: {sum(timings.values()):.1f} s; slowest views: {slowest}")
    return "\n".join(lines)


def _shortfalls(crawler, patterns, canary):
    """What the visit must have done: a visit that tried nothing must not pass."""
    role, problems = crawler.role, []
    label = role.label
    for method, url, error in crawler.errors:
        problems.append(f"- {label}: {method} {url} crashed: {error}")
    opened = {view_name(u.split("?")[0]) for u in crawler.seen}
    not_opened = [p.name for p in patterns if p.name and p.name not in opened]
    if not_opened:
        problems.append(f"- {label}: URL patterns never opened: {not_opened}")
    if crawler.counts["requests"] >= crawler.limits.max_requests:
        problems.append(f"- {label}: stopped at the request limit ({crawler.limits.max_requests})")
    guest, insider = role.user is None, role.in_canary_municipality
    for incident, insider_status in ((canary.incident, 404), (canary.opened, 200)):
        status = crawler.statuses.get(f"/burlov/incidents/{incident.pk}/")
        expected = 302 if guest else insider_status if insider else 404
        if status != expected:
            problems.append(
                f"- {label}: /burlov/incidents/{incident.pk}/ answered {status}, not {expected}"
            )
    # The canary's photo: 404 for everyone here (a private company never reads a restricted
    # incident's files); the document of Burlöv: 404 outside Burlöv.
    status = crawler.statuses.get(canary.photo_url)
    if status != (302 if guest else 404):
        problems.append(f"- {label}: {canary.photo_url} answered {status}, not 404")
    status = crawler.statuses.get(canary.attachment_url)
    if not insider and status != (302 if guest else 404):
        problems.append(f"- {label}: {canary.attachment_url} answered {status}, not 404")
    forms = crawler.counts["forms:post"] + crawler.counts["forms:get"]
    if forms < role.min_forms:
        problems.append(f"- {label}: only {forms} forms submitted (at least {role.min_forms})")
    if insider:
        missing = [k for k in FILE_KINDS if not crawler.counts[f"file:{k}"]]
        if missing:
            problems.append(f"- {label}: no file of kind {missing} read")
        wanted = {"search"}
        if _role_in_burlov(role.user) in LOGGERS:
            wanted.add("duplicate check")
        if wanted - _probes(crawler, canary):
            problems.append(f"- {label}: never tried {sorted(wanted - _probes(crawler, canary))}")
    if guest:
        for token in canary.share_tokens:
            if crawler.statuses.get(f"/share/{token}/") != 200:
                problems.append(f"- {label}: a share link did not open")
        if not any(f.action.startswith("/share/") for f, _d, _s in crawler.submissions):
            problems.append(f"- {label}: never answered the share link's form")
    return problems


def _role_in_burlov(user):
    return MunicipalityMembership.objects.get(user=user, municipality__slug="burlov").role


def _probes(crawler, canary):
    """Which of the canary's probes the visit made: logging an incident like it (the duplicate
    check) and searching for its text."""
    done = set()
    for form, data, _status in crawler.submissions:
        name = view_name(form.action.split("?")[0])
        if name == "situation_reports:incident-create" and (
            data.get("category") == str(canary.category.pk)
            and data.get("area") == str(canary.area.pk)
        ):
            done.add("duplicate check")
        if name.startswith("situation_reports:incident") and data.get("q") == PREFIX:
            done.add("search")
    return done
