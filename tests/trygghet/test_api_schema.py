"""The API's OpenAPI schema validates, and the live API answers as it says: schemathesis
generates requests from the schema served at /api/schema/ and sends them, with a private
company's token that may read and log, through Django's WSGI application. No answer may be a
5xx, nor differ from the schema (status code, content type, headers, body).

Deterministic: hypothesis derandomized, a bounded number of examples per operation, no
deadline (nothing depends on timing)."""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from councils.services.tokens import create_token
from meetings.models import AgendaItem, Meeting
from situation_reports.models import Incident, SituationReport
from tests.factories import (
    BodyFactory,
    MeetingFactory,
    MembershipFactory,
    SituationReportFactory,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 25


def test_the_schema_validates_with_no_warning(tmp_path):
    # --fail-on-warn: a view drf-spectacular cannot describe fails here.
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in (
        "/api/v1/incidents/",
        "/api/v1/meetings/{id}/",
        "/api/v1/situation-reports/",
        "/api/v1/incidents/{id}/photos/",
        "/api/v1/photos/{id}/file/",
        "/api/v1/attachments/",
        "/api/v1/attachments/{id}/file/",
    ):
        assert f"{path}:" in text
    assert "application/problem+json" in text and "bearer" in text


def test_the_schema_is_served_without_a_token(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert client.get("/api/docs/").status_code == 200


@pytest.fixture
def api_world(burlov, company_partner, make_incident, arlov):
    make_incident(burlov, area=arlov, description="Öppen")
    make_incident(burlov, confidentiality="restricted", description="Begränsad")
    body = BodyFactory(municipality=burlov)
    MembershipFactory(body=body, user=company_partner)
    meeting = MeetingFactory(municipality=burlov, body=body)
    AgendaItem.objects.create(meeting=meeting, title="Läget", shareable=True)
    SituationReportFactory(
        municipality=burlov,
        status="approved",
        approved_at=timezone.now() - datetime.timedelta(days=1),
        data={"totals": {"current": 2}, "open": {"totals": {"current": 1}}},
    )
    _token, secret = create_token(
        company_partner.municipality_memberships.get(),
        name="Schemathesis",
        can_read=True,
        can_write_incidents=True,
        actor=None,
    )
    return secret


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def fuzz(operation, headers):
    """Send EXAMPLES requests generated for ``operation``; the status codes met."""
    codes = set()

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        codes.add(response.status_code)

    run()
    return sorted(codes)


@pytest.fixture
def keep_connection():
    """The WSGI application closes the database connection after each request; the test's
    transaction lives on it (Django's test client disconnects the same signal handlers)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_live_api_answers_as_its_schema_says(api_world, keep_connection):
    """Every operation of the served schema, EXAMPLES generated requests each."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    headers = {"Authorization": f"Bearer {api_world}"}
    tried = {operation.label: fuzz(operation, headers) for operation in operations}
    print("\n".join(f"{label}: {codes}" for label, codes in tried.items()))
    # Not only refusals: every read answered 200 at least once with the token.
    for label, codes in tried.items():
        if label.startswith("GET") and "{id}" not in label:
            assert 200 in codes, (label, codes)


def test_the_answers_to_valid_requests_match_the_schema(api_world, keep_connection, categories):
    """The generated requests above are mostly refused (random ids): these succeed, and their
    answers are checked against the schema the same way (201, the retry's 200, the private
    company's receipt of a restricted incident, one incident, meeting and report)."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    operations = {result.ok().label: result.ok() for result in schema.get_all_operations()}
    headers = {"Authorization": f"Bearer {api_world}"}
    body = {
        "category": categories["vandalism"].pk,
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "part_of_day": "evening",
        "description": "Klotter på skolan.",
    }
    log = operations["POST /api/v1/incidents/"]
    codes = []
    for key, data in (("a", body), ("a", body), ("b", {**body, "confidentiality": "restricted"})):
        case = log.Case(headers={"Idempotency-Key": key}, body=data, media_type="application/json")
        codes.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)
    assert codes == [201, 200, 201]
    ids = {
        "GET /api/v1/incidents/{id}/": Incident.objects.filter(description="Öppen").get().pk,
        "GET /api/v1/meetings/{id}/": Meeting.objects.get().pk,
        "GET /api/v1/situation-reports/{id}/": SituationReport.objects.get().pk,
    }
    for label, pk in ids.items():
        case = operations[label].Case(path_parameters={"id": pk})
        assert case.call_and_validate(headers=headers, checks=CHECKS).status_code == 200
