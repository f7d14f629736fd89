import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import database_url_for_processes

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_it_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["broker"]["ok"] is True


def healthz_in_a_process_of_its_own(**env):
    """GET /healthz in a fresh process whose settings point at a service that is not there
    (nothing listens on port 9 of the loopback address): a real failure, not a mock."""
    script = (
        "import json; from django.test import Client; r = Client().get('/healthz'); "
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


def test_it_answers_503_when_the_broker_does_not_answer():
    status, body = healthz_in_a_process_of_its_own(CELERY_BROKER_URL="redis://127.0.0.1:9/0")
    assert status == 503
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


def test_it_answers_503_when_the_database_does_not_answer():
    status, body = healthz_in_a_process_of_its_own(
        DATABASE_URL="postgres://postgres@127.0.0.1:9/none"
    )
    assert status == 503
    assert body["database"] == {"error": "OperationalError", "ok": False}
    assert body["broker"]["ok"] is True


def test_it_is_reachable_without_login_and_never_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_robots_are_told_to_stay_out(client):
    assert client.get("/robots.txt").content == b"User-agent: *\nDisallow: /\n"
