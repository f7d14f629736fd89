import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.helpers import database_url_for_processes

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_both_answer_200_when_database_and_broker_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["broker"]["ok"] is True


def get_in_a_process_of_its_own(path, **env):
    """GET ``path`` in a fresh process whose settings point at a service that is not there
    (nothing listens on port 9 of the loopback address): a real failure, not a mock."""
    script = (
        f"import json; from django.test import Client; r = Client().get({path!r}); "
        "print(r.status_code, json.dumps(r.json(), sort_keys=True))"
    )
    environment = {
        **os.environ,
        "TESTING": "true",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url_for_processes(),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, _, body = result.stdout.strip().splitlines()[-1].partition(" ")
    return int(status), json.loads(body)


BROKER_DOWN = {"CELERY_BROKER_URL": "redis://127.0.0.1:9/0"}
DATABASE_DOWN = {"DATABASE_URL": "postgres://postgres@127.0.0.1:9/none"}


def test_health_stays_200_when_the_broker_does_not_answer():
    # Pages work without the broker (mail and compiles wait): the load balancer must keep
    # sending requests, so the broker's state is reported, not turned into a failure.
    status, body = get_in_a_process_of_its_own("/healthz", **BROKER_DOWN)
    assert status == 200
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


def test_readiness_is_503_when_the_broker_does_not_answer():
    status, body = get_in_a_process_of_its_own("/readyz", **BROKER_DOWN)
    assert status == 503
    assert body["status"] == "degraded"  # the same state as /healthz reports
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_both_answer_503_when_the_database_does_not_answer(path):
    status, body = get_in_a_process_of_its_own(path, **DATABASE_DOWN)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["database"] == {"error": "OperationalError", "ok": False}
    assert body["broker"]["ok"] is True


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_they_are_reachable_without_login_and_never_cached(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_is_reserved_and_exempt_from_the_https_redirect(settings):
    from councils.models import RESERVED_SLUGS

    assert "readyz" in RESERVED_SLUGS
    assert r"^readyz$" in settings.SECURE_REDIRECT_EXEMPT


def test_robots_are_told_to_stay_out(client):
    # Only the public pages and the accessibility statement are for everyone.
    assert client.get("/robots.txt").content == (
        b"User-agent: *\nAllow: /accessibility/\nAllow: /*/public/$\nDisallow: /\n"
    )
