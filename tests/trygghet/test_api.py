"""The API for partners' systems (issue 15): tokens, scopes, scoping, idempotent logging,
problem details. The schema and schemathesis are in test_api_schema.py; the canary goes
through the API in test_canary.py."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from councils.models import ApiIdempotencyKey, ApiToken
from councils.services.tokens import create_token, revoke_token
from situation_reports.models import Incident, IncidentAccessLog
from tests.factories import make_user
from tests.helpers import wait_until
from trygghet import access
from trygghet.models import AuditEvent

pytestmark = pytest.mark.django_db

INCIDENTS = "/api/v1/incidents/"


def membership_of(user):
    return user.municipality_memberships.get()


def token_for(user, *, read=True, write=True, name="Vaktsystem"):
    token, secret = create_token(
        membership_of(user), name=name, can_read=read, can_write_incidents=write, actor=None
    )
    return token, secret


def api(secret, **extra):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)
    return client


def new_incident(category, /, **fields):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "category": category.pk,
        "occurred_on": yesterday.isoformat(),
        "start_time": "21:30",
        "description": "Klotter på busskuren vid stationen.",
    }
    return {**data, **fields}


def post(client, data, key="key-1", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(INCIDENTS, data, content_type="application/json", **headers, **extra)


@pytest.fixture
def guard(company_partner):
    return token_for(company_partner)


@pytest.fixture
def police(police_partner):
    return token_for(police_partner)


@pytest.fixture
def world(burlov, eslov, make_incident, arlov, eslov_area):
    return {
        "open": make_incident(burlov, area=arlov, description="Öppen händelse i Arlöv"),
        "restricted": make_incident(
            burlov, confidentiality="restricted", description="Begränsad händelse i Arlöv"
        ),
        "withdrawn": make_incident(burlov, status="withdrawn", description="Återkallad"),
        "eslov": make_incident(eslov, area=eslov_area, description="Händelse i Eslöv"),
    }


# --- Authentication and tokens -----------------------------------------------------------------


def test_it_answers_401_as_a_problem_without_a_token(world):
    response = Client().get(INCIDENTS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    body = response.json()
    assert body["status"] == 401 and body["type"] == "urn:trygghet:problem:not-authenticated"
    assert body["title"] and body["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer tryg_unknown", "Bearer", "Bearer a b", "Bearer tryg_" + "x" * 200, "Bearer \xe5"],
)
def test_it_refuses_an_unknown_or_malformed_token(world, header):
    response = Client(HTTP_AUTHORIZATION=header).get(INCIDENTS)
    assert response.status_code == 401
    assert response.json()["type"] == "urn:trygghet:problem:authentication-failed"


def test_a_revoked_token_is_refused(world, guard):
    token, secret = guard
    assert api(secret).get(INCIDENTS).status_code == 200
    revoke_token(token, actor=None)
    assert api(secret).get(INCIDENTS).status_code == 401


def test_a_token_stops_when_its_person_leaves_or_changes_organisation(world, guard, police_org):
    token, secret = guard
    membership = membership_of(token.person)
    membership.organisation = police_org  # a public authority: the token must not follow
    membership.save()
    assert api(secret).get(INCIDENTS).status_code == 401
    membership.organisation = token.organisation
    membership.is_active = False
    membership.save()
    assert api(secret).get(INCIDENTS).status_code == 401


def test_only_the_hash_and_a_prefix_are_stored(guard):
    token, secret = guard
    token.refresh_from_db()
    assert secret.startswith("tryg_") and len(secret) >= 40
    assert secret not in (token.token_hash, token.prefix)
    assert secret[5:13] == token.prefix
    assert not ApiToken.objects.filter(token_hash=secret).exists()


def test_last_use_is_recorded_at_most_once_a_minute(world, guard, django_assert_num_queries):
    token, secret = guard
    assert token.last_used_at is None
    client = api(secret)
    client.get(INCIDENTS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(INCIDENTS)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get(INCIDENTS)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_making_and_revoking_a_token_is_in_the_audit_trail(company_partner, admin_user):
    token, _secret = create_token(
        membership_of(company_partner),
        name="Vakt",
        can_read=True,
        can_write_incidents=False,
        actor=admin_user,
    )
    revoke_token(token, actor=admin_user)
    events = AuditEvent.objects.filter(object_id=str(token.pk)).order_by("pk")
    assert [e.action for e in events] == ["api_token_created", "api_token_revoked"]
    assert events[0].new["scopes"] == ["read"] and events[0].actor == admin_user


# --- Scopes -------------------------------------------------------------------------------------


def test_a_read_only_token_may_not_log(world, company_partner, categories):
    _token, secret = token_for(company_partner, write=False)
    response = post(api(secret), new_incident(categories["vandalism"]))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:trygghet:problem:permission-denied"
    assert not Incident.objects.filter(description__startswith="Klotter").exists()


def test_a_write_only_token_may_not_read(world, company_partner, categories):
    _token, secret = token_for(company_partner, read=False)
    assert api(secret).get(INCIDENTS).status_code == 403
    assert post(api(secret), new_incident(categories["vandalism"])).status_code == 201


def test_a_method_an_endpoint_does_not_have_is_405(world, guard):
    response = api(guard[1]).post("/api/v1/categories/", {}, content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


# --- Reading: what the web pages show, no more -------------------------------------------------


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_private_company_never_reads_a_restricted_incident(world, guard):
    client = api(guard[1])
    assert ids(client.get(INCIDENTS)) == {world["open"].pk}
    assert ids(client.get(INCIDENTS, {"status": "all"})) == {
        world["open"].pk,
        world["withdrawn"].pk,
    }
    assert ids(client.get(INCIDENTS, {"confidentiality": "restricted"})) == {world["open"].pk}
    assert client.get(f"{INCIDENTS}{world['restricted'].pk}/").status_code == 404


def test_a_public_authority_reads_restricted_incidents_and_it_is_logged(world, police):
    token, secret = police
    client = api(secret)
    assert ids(client.get(INCIDENTS)) == {world["open"].pk, world["restricted"].pk}
    restricted = client.get(INCIDENTS, {"confidentiality": "restricted"})
    assert ids(restricted) == {world["restricted"].pk}
    assert IncidentAccessLog.objects.filter(
        incident=world["restricted"], user=token.person
    ).exists()
    detail = client.get(f"{INCIDENTS}{world['restricted'].pk}/")
    assert detail.json()["description"] == "Begränsad händelse i Arlöv"


def test_another_municipality_is_404_and_never_listed(world, guard):
    client = api(guard[1])
    assert world["eslov"].pk not in ids(client.get(INCIDENTS, {"status": "all"}))
    response = client.get(f"{INCIDENTS}{world['eslov'].pk}/")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:trygghet:problem:not-found"


def test_an_eslov_token_sees_eslov_only(world, eslov, police_org):
    partner = make_user("eslov.police", eslov, access.PARTNER, police_org)
    _token, secret = token_for(partner)
    client = api(secret)
    assert ids(client.get(INCIDENTS, {"status": "all"})) == {world["eslov"].pk}
    for incident in ("open", "restricted"):
        assert client.get(f"{INCIDENTS}{world[incident].pk}/").status_code == 404
    areas = client.get("/api/v1/areas/").json()
    assert [a["name"] for a in areas] == ["Löberöd"]


def test_it_filters_as_the_list_page_does(world, guard, arlov, categories):
    client = api(guard[1])
    assert ids(client.get(INCIDENTS, {"area": arlov.pk})) == {world["open"].pk}
    assert ids(client.get(INCIDENTS, {"q": "öppen"})) == {world["open"].pk}
    assert ids(client.get(INCIDENTS, {"q": "begränsad"})) == set()
    later = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert ids(client.get(INCIDENTS, {"date_from": later})) == set()


@pytest.mark.parametrize(
    "query",
    [{"date_from": "0001-01-01"}, {"date_to": "2026-13-40"}, {"q": "a\x00b"}, {"area": "x"}],
)
def test_a_bad_filter_is_a_400_problem(world, guard, query):
    response = api(guard[1]).get(INCIDENTS, query)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "urn:trygghet:problem:invalid" and body["errors"]
    assert body["errors"][0]["pointer"].startswith("#/")


def test_cursor_pagination_reads_every_row_once(burlov, guard, make_incident):
    made = {make_incident(burlov).pk for _ in range(7)}
    client = api(guard[1])
    seen, url, pages = [], f"{INCIDENTS}?page_size=3", 0
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen)) and pages == 3


def test_errors_are_in_the_request_language(world):
    swedish = Client().get(INCIDENTS).json()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(INCIDENTS).json()
    assert english["title"] == "Not authenticated"
    assert english["detail"] == "Authentication credentials were not provided."
    assert swedish["detail"] != english["detail"]  # Swedish by default


def test_an_unknown_address_under_api_is_a_404_problem(world):
    response = Client().get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_it_lists_categories_areas_and_upcoming_events(world, guard, arlov, burlov):
    from situation_reports.models import UpcomingEvent

    UpcomingEvent.objects.create(
        municipality=burlov, title="Valborg", starts_on=timezone.localdate()
    )
    client = api(guard[1])
    categories = client.get("/api/v1/categories/").json()
    assert any(c["code"] == "vandalism" and c["is_national"] for c in categories)
    assert [a["name"] for a in client.get("/api/v1/areas/").json()] == ["Arlöv"]
    events = client.get("/api/v1/upcoming-events/").json()["results"]
    assert [e["title"] for e in events] == ["Valborg"]


def test_meetings_are_those_the_person_sees_with_the_shareable_agenda(
    burlov, guard, company_partner
):
    from meetings.models import AgendaItem
    from tests.factories import BodyFactory, MeetingFactory, MembershipFactory

    seated = BodyFactory(municipality=burlov, name="Örat mot marken")
    other = BodyFactory(municipality=burlov, name="Strategiskt råd")
    MembershipFactory(body=seated, user=company_partner)
    mine = MeetingFactory(municipality=burlov, body=seated)
    hidden = MeetingFactory(municipality=burlov, body=other)
    AgendaItem.objects.create(meeting=mine, title="Läget", shareable=True)
    AgendaItem.objects.create(meeting=mine, title="Internt", shareable=False)
    client = api(guard[1])
    assert ids(client.get("/api/v1/meetings/")) == {mine.pk}
    detail = client.get(f"/api/v1/meetings/{mine.pk}/").json()
    assert [item["title"] for item in detail["agenda"]] == ["Läget"]
    assert client.get(f"/api/v1/meetings/{hidden.pk}/").status_code == 404


def test_situation_reports_are_approved_ones_with_the_figures_of_open_incidents(
    burlov, guard, police
):
    from tests.factories import SituationReportFactory

    data = {"totals": {"current": 5}, "open": {"totals": {"current": 3}}}
    approved = SituationReportFactory(
        municipality=burlov, status="approved", approved_at=timezone.now(), data=data
    )
    draft = SituationReportFactory(municipality=burlov, status="draft", data=data)
    listed = api(guard[1]).get("/api/v1/situation-reports/").json()["results"]
    assert [r["id"] for r in listed] == [approved.pk]
    assert listed[0]["figures"]["totals"] == {"current": 3}
    by_police = api(police[1]).get(f"/api/v1/situation-reports/{approved.pk}/").json()
    assert by_police["figures"]["totals"] == {"current": 5}
    assert api(guard[1]).get(f"/api/v1/situation-reports/{draft.pk}/").status_code == 404


# --- Logging incidents ---------------------------------------------------------------------------


def test_a_partner_logs_an_incident_for_its_organisation(world, guard, categories, arlov):
    token, secret = guard
    response = post(api(secret), new_incident(categories["vandalism"], area=arlov.pk))
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.organisation == token.organisation and incident.created_by == token.person
    assert incident.municipality == token.municipality and incident.area == arlov
    assert incident.source == "manual" and incident.started_at is not None


def test_a_retry_with_the_same_key_returns_the_same_incident(world, guard, categories):
    client = api(guard[1])
    data = new_incident(categories["vandalism"])
    first = post(client, data)
    again = post(client, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Incident.objects.filter(description=data["description"]).count() == 1


def test_the_same_key_with_another_body_is_422(world, guard, categories):
    client = api(guard[1])
    post(client, new_incident(categories["vandalism"]))
    response = post(client, new_incident(categories["vandalism"], description="Annat"))
    assert response.status_code == 422
    assert response.json()["type"] == "urn:trygghet:problem:idempotency-key-reused"
    assert not Incident.objects.filter(description="Annat").exists()


def test_keys_are_per_token(world, guard, police, categories):
    data = new_incident(categories["vandalism"])
    assert post(api(guard[1]), data).status_code == 201
    assert post(api(police[1]), data).status_code == 201
    assert Incident.objects.filter(description=data["description"]).count() == 2


def test_a_key_is_required(world, guard, categories):
    for key in (None, "", "x" * 201, "a\x01b"):
        response = post(api(guard[1]), new_incident(categories["vandalism"]), key=key)
        assert response.status_code == 400, key
        assert response.json()["errors"][0]["pointer"] == "#/Idempotency-Key"


def test_the_unique_constraint_is_the_guard(world, guard):
    token, _secret = guard
    ApiIdempotencyKey.objects.create(
        municipality=token.municipality, token=token, key="k", fingerprint="a", object_type="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiIdempotencyKey.objects.create(
            municipality=token.municipality, token=token, key="k", fingerprint="a", object_type="x"
        )


def test_a_restricted_incident_logged_by_a_private_company_is_not_shown_back(
    world, guard, categories
):
    client = api(guard[1])
    data = new_incident(categories["vandalism"], confidentiality="restricted")
    response = post(client, data)
    assert response.status_code == 201
    assert set(response.json()) == {"confidentiality", "detail"}
    assert data["description"] not in response.content.decode()
    assert Incident.objects.filter(description=data["description"], confidentiality="restricted")
    retry = post(client, data)
    assert retry.status_code == 200 and "id" not in retry.json()


HOSTILE = [
    {"description": "x" * 10_001},
    {"description": "Nul\x00tecken"},
    {"description": "Kontroll\x07tecken"},
    {"description": "Personnummer 19121212-1212 i texten"},
    {"place": "Gatan 1\x00"},
    {"occurred_on": "0001-01-01"},
    {"occurred_on": "2999-01-01"},
    {"occurred_on": "2026-02-30"},
    {"start_time": "25:61"},
    {"end_time": "01:00"},
    {"category": 10**30},
    {"category": "vandalism"},
    {"area": -1},
    {"severity": 9},
    {"confidentiality": "secret"},
    {"latitude": 1e308, "longitude": 13.0},
    {"latitude": 48.85, "longitude": 2.35},  # Paris: outside Sweden
    {"description": ["a", "b"]},
    {"description": {"nested": 1}},
]


@pytest.mark.parametrize("change", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_input_is_a_400_problem_and_nothing_is_saved(world, guard, categories, change):
    before = (Incident.objects.count(), ApiIdempotencyKey.objects.count())
    response = post(api(guard[1]), new_incident(categories["vandalism"], **change))
    assert response.status_code == 400, (change, response.content)
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["type"] == "urn:trygghet:problem:invalid" and body["errors"]
    assert (Incident.objects.count(), ApiIdempotencyKey.objects.count()) == before


def test_a_category_or_area_of_another_municipality_is_refused(world, guard, eslov, eslov_area):
    from tests.factories import IncidentCategoryFactory

    theirs = IncidentCategoryFactory(municipality=eslov, name="Eslövs egen")
    for change in ({"category": theirs.pk}, {"area": eslov_area.pk}):
        response = post(api(guard[1]), new_incident(theirs, **change))
        assert response.status_code == 400
    assert not Incident.objects.filter(description__startswith="Klotter").exists()


def test_a_corrected_retry_may_reuse_the_key_of_a_refused_request(world, guard, categories):
    client = api(guard[1])
    assert post(client, new_incident(categories["vandalism"], description="")).status_code == 400
    assert post(client, new_incident(categories["vandalism"])).status_code == 201


def test_a_body_that_is_not_json_is_a_problem(world, guard):
    client = api(guard[1])
    response = client.post(
        INCIDENTS, "{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 400 and response.json()["type"].endswith("parse-error")
    response = client.post(INCIDENTS, "a=b", content_type="text/plain", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 415


def test_writes_are_rate_limited_per_token(world, guard, categories, monkeypatch):
    from trygghet.api.auth import TokenWriteRateThrottle

    rates = {**TokenWriteRateThrottle.THROTTLE_RATES, "api_token_write": "2/m"}
    monkeypatch.setattr(TokenWriteRateThrottle, "THROTTLE_RATES", rates)
    client = api(guard[1])
    codes = [
        post(client, new_incident(categories["vandalism"]), key=f"k{i}").status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]
    throttled = post(client, new_incident(categories["vandalism"]), key="k9")
    assert throttled.json()["type"] == "urn:trygghet:problem:throttled"
    assert int(throttled["Retry-After"]) > 0
    assert client.get(INCIDENTS).status_code == 200  # reads have their own limit


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_the_same_key_make_one_incident(
    burlov, company_partner, categories
):
    """The second request's INSERT of the key waits on the unique index for the first's
    transaction; it then finds the key and answers the first's incident. Deterministic: the
    first transaction holds the key until the second is seen waiting on it (pg_locks)."""
    from situation_reports.services.categories import ensure_default_categories

    ensure_default_categories()
    token, secret = token_for(company_partner)
    data = new_incident(categories["vandalism"])
    answers = {}

    def second_is_waiting():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            return cursor.fetchone()[0] > 0

    def second():
        answers["second"] = post(api(secret), data, key="same")
        connection.close()

    with transaction.atomic():
        first = post(api(secret), data, key="same")  # commits with the outer transaction
        assert first.status_code == 201
        thread = threading.Thread(target=second)
        thread.start()
        wait_until(second_is_waiting, message="the second request waiting for the first")
    thread.join(30)
    assert answers["second"].status_code == 200
    assert answers["second"].json()["id"] == first.json()["id"]
    assert Incident.objects.filter(description=data["description"]).count() == 1


# --- The demo -------------------------------------------------------------------------------------

DEMO_TOKEN = "tryg_demo-eslov-trygghetsbolaget-syd-api-token"  # councils/demo.toml, README


def test_in_the_demo_the_security_companys_token_logs_an_incident_in_eslov(demo_world):
    world = demo_world(only=["councils", "situation_reports"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {DEMO_TOKEN}")
    category = client.get("/api/v1/categories/").json()[0]
    area = client.get("/api/v1/areas/").json()[0]
    data = {
        "category": category["id"],
        "area": area["id"],
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "part_of_day": "night",
        "description": "Väktare såg inbrottsförsök i cykelförrådet, larmade polisen.",
    }
    response = post(client, data, key="demo-1")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.municipality == world.eslov
    assert incident.organisation.name == "Trygghetsbolaget Syd AB"
    assert incident.created_by.username == "eslov.partner"
    assert post(client, data, key="demo-1").json()["id"] == incident.pk
    # It reads Eslöv's open incidents only: never a restricted one.
    listed = client.get(INCIDENTS, {"page_size": 100, "status": "all"}).json()["results"]
    assert listed and all(row["confidentiality"] == "open" for row in listed)
    restricted = Incident.objects.filter(municipality=world.eslov, confidentiality="restricted")
    assert restricted.exists()
    assert client.get(f"{INCIDENTS}{restricted.first().pk}/").status_code == 404
    token = ApiToken.objects.get(prefix=DEMO_TOKEN[5:13])
    assert token.last_used_at is not None
