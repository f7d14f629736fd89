"""The canary through the API (issue 15): each person of ``canary_world.roles`` who may hold
a token gets one (read and log, acting as a partner of their organisation, as an admin would
make it), and reads every endpoint with the filters that would find the canary (its text, its
category, its area, its date, ``confidentiality=restricted``, withdrawn ones too), both
canaries by id, the canary's meeting and lägesbilder, and logs an incident like it (rolled
back). ``canary_world.Checker`` searches every answer, headers and body, as it does the pages'.

A public authority's token finds the canary the same way (the control)."""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from councils.models import MunicipalityMembership
from councils.services.tokens import create_token

from .canary_crawler import body_of, kind_of, pdf_text, texts_of
from .canary_world import PREFIX

API = "/api/v1"


@dataclass
class ApiVisit:
    role: object
    statuses: dict = field(default_factory=dict)
    requests: int = 0
    problems: list = field(default_factory=list)


def token_client(user, municipality_slug):
    membership = MunicipalityMembership.objects.select_related("organisation").get(
        user=user, municipality__slug=municipality_slug
    )
    try:
        _token, secret = create_token(
            membership, name="Kanarietest", can_read=True, can_write_incidents=True, actor=None
        )
    except ValidationError:
        return None  # no organisation: no token can be made for this person
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _when(canary):
    """The dates of both canaries (the opened one is logged three hours before the first, so
    the day before when the test runs soon after midnight)."""
    first = min(timezone.localdate(canary.opened.started_at), canary.started.date())
    return {"date_from": first.isoformat(), "date_to": canary.started.date().isoformat()}


def addresses(canary):
    """Every GET the visit makes (the paginated lists: their first pages, and more below)."""
    when = _when(canary)
    searches = [
        {"q": PREFIX, "status": "all"},
        {"category": canary.category.pk, "status": "all"},
        {"area": canary.area.pk, "status": "all"},
        {"confidentiality": "restricted", "status": "all"},
        {**when, "status": "all"},
        {"category": canary.opened.category_id, **when},
    ]
    urls = [(f"{API}/incidents/", {"page_size": 100, **query}) for query in searches]
    urls += [(f"{API}/incidents/{canary.incident.pk}/", {})]
    urls += [(f"{API}/incidents/{canary.opened.pk}/", {})]
    urls += [(f"{API}/{name}/", {}) for name in ("categories", "areas")]
    urls += [(f"{API}/{name}/", {"page_size": 100}) for name in ("upcoming-events", "meetings")]
    urls += [(f"{API}/situation-reports/", {"page_size": 100})]
    urls += [(f"{API}/meetings/{canary.meeting.pk}/", {})]
    urls += [(f"{API}/situation-reports/{report.pk}/", {}) for report in canary.reports]
    # Photos and attachments (issue 16): the canary's photo by the incident, by id and as a
    # file; Burlöv's document listed, by its meeting, by id and as a file.
    urls += [(f"{API}/incidents/{i.pk}/photos/", {}) for i in (canary.incident, canary.opened)]
    urls += [
        (f"{API}/photos/{canary.photo.pk}/", {}),
        (f"{API}/photos/{canary.photo.pk}/file/", {}),
    ]
    urls += [(f"{API}/attachments/", {"page_size": 100})]
    urls += [(f"{API}/attachments/", {"parent_type": "meeting", "parent_id": canary.meeting.pk})]
    attachment = canary.attachment.pk
    urls += [
        (f"{API}/attachments/{attachment}/", {}),
        (f"{API}/attachments/{attachment}/file/", {}),
    ]
    return urls


def visit(role, canary, checker, pages=3):
    """One person's visit through the API; ``problems`` says what it must have seen and did
    not (the leaks are the checker's)."""
    result = ApiVisit(role)
    client = token_client(role.user, role.municipality)
    if client is None:
        return result
    crawler = SimpleNamespace(role=role)

    def check(method, url, response, sent="", submitted=()):
        result.requests += 1
        result.statuses[url] = response.status_code
        if response.status_code >= 500:
            result.problems.append(f"- {role.label} (API): {method} {url} answered 5xx")
        # The response too: a file's bytes are compared with the canary photo's.
        exchange = SimpleNamespace(
            method=method, url=url, sent=url + sent, submitted_values=submitted, response=response
        )
        checker(crawler, exchange, texts_of(response, kind_of(response)))

    for path, query in addresses(canary):
        response = client.get(path, query)
        url = response.request["PATH_INFO"] + "?" + response.request.get("QUERY_STRING", "")
        check("GET", url, response)
        followed = 1
        while response.status_code == 200 and followed < pages:
            body = response.json()
            following = body.get("next") if isinstance(body, dict) else None
            if not following:
                break
            response = client.get(following)
            check("GET", following, response)
            followed += 1

    # Logging an incident like the canary: the answer (and its duplicate check, which the API
    # skips) must say nothing of it. Rolled back, as the page visits' submissions are.
    started = canary.started
    body = {
        "category": canary.category.pk,
        "area": canary.area.pk,
        "occurred_on": started.date().isoformat(),
        "start_time": started.strftime("%H:%M"),
        "severity": 3,
        "description": "Provtext från kanarietestet",
    }
    with transaction.atomic():
        response = client.post(
            f"{API}/incidents/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c1"
        )
        check("POST", f"{API}/incidents/", response, sent=str(body), submitted=("category",))
        transaction.set_rollback(True)

    insider = role.in_canary_municipality
    expected = {
        f"{API}/incidents/{canary.incident.pk}/": 404,
        f"{API}/incidents/{canary.incident.pk}/photos/": 404,
        f"{API}/photos/{canary.photo.pk}/": 404,
        f"{API}/photos/{canary.photo.pk}/file/": 404,
        f"{API}/attachments/{canary.attachment.pk}/file/": None if insider else 404,
        f"{API}/incidents/{canary.opened.pk}/": 200 if insider else 404,
        f"{API}/meetings/{canary.meeting.pk}/": None if insider else 404,
    }
    for url, status in expected.items():
        got = result.statuses.get(url + "?")
        if status is not None and got != status:
            result.problems.append(f"- {role.label} (API): {url} answered {got}, not {status}")
    if insider:
        listed = client.get(f"{API}/incidents/", {"page_size": 100, **_when(canary)}).json()
        if canary.opened.pk not in {row["id"] for row in listed["results"]}:
            result.problems.append(f"- {role.label} (API): the opened canary is not listed")
    return result


def a_public_authority_finds_the_canary(canary, tokens):
    """The control: the same addresses show the canary to a public authority's token."""
    client = token_client(canary.reader, "burlov")
    detail = client.get(f"{API}/incidents/{canary.incident.pk}/")
    assert detail.status_code == 200
    assert tokens["description (edited)"] in detail.content.decode()
    found = client.get(f"{API}/incidents/", {"q": PREFIX, "confidentiality": "restricted"})
    assert canary.incident.pk in {row["id"] for row in found.json()["results"]}
    by_category = client.get(f"{API}/incidents/", {"category": canary.category.pk}).json()
    assert [row["id"] for row in by_category["results"]] == [canary.incident.pk]
    # Its photo and Burlöv's document, with their bytes.
    photos = client.get(f"{API}/incidents/{canary.incident.pk}/photos/").json()
    assert [row["id"] for row in photos] == [canary.photo.pk]
    photo = client.get(f"{API}/photos/{canary.photo.pk}/file/")
    assert photo.status_code == 200 and body_of(photo) == canary.photo_bytes
    document = client.get(f"{API}/attachments/{canary.attachment.pk}/file/")
    assert tokens["attachment text"] in pdf_text(body_of(document))
