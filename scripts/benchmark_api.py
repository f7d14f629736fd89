"""Benchmark (not a test): the API's incident list against the web list page, in one run.

Uses the municipality "Benchmarkby" of ``benchmark_incident_list.py`` (its 100,000 incidents,
made once and reused; a third restricted) and a partner of a security company there, who
reads the open ones. In the same process, with Django's test client, with the same data and
the same reader:

- the web list page (``/benchmarkby/incidents/``: 50 incidents a page, rendered HTML);
- ``GET /api/v1/incidents/?page_size=100`` with the partner's token (100 incidents, JSON),
  ``page_size=50`` (the web page's count), a filtered page, and a page deep in the cursor.

Prints the median and 95th percentile in ms, requests and incidents per second and the
queries of one request; never asserts a time. Run against a PostgreSQL database of your own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        python scripts/benchmark_api.py [--rows 100000] [--requests 40]
"""

import argparse
import datetime

import benchmark_common  # noqa: F401  (Django set up first)
from benchmark_common import measure
from benchmark_incident_list import SLUG, setup
from django.conf import settings
from django.test import Client
from django.utils import timezone

from councils.models import Area, MunicipalityMembership, Organisation, User
from councils.services.tokens import create_token
from situation_reports.models import Incident

PARTNER = "benchmark.vakt"


def partner_token(municipality):
    """A partner of a security company in Benchmarkby, and a token that acts as one."""
    org, _ = Organisation.objects.get_or_create(
        name="Benchmarkby Bevakning AB", defaults={"kind": Organisation.Kind.SECURITY_COMPANY}
    )
    org.municipalities.add(municipality)
    user, _ = User.objects.get_or_create(username=PARTNER)
    membership, _ = MunicipalityMembership.objects.get_or_create(
        user=user, municipality=municipality, defaults={"role": "partner", "organisation": org}
    )
    _token, secret = create_token(
        membership, name="Benchmark", can_read=True, can_write_incidents=False, actor=None
    )
    return user, secret


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("Warning: not PostgreSQL; the figures will not say much.")
    settings.ALLOWED_HOSTS = ["*"]
    # The benchmark's own requests are many: no token limit in the way.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    from rest_framework.settings import api_settings

    api_settings.reload()
    municipality, _coordinator = setup(args.rows)
    user, secret = partner_token(municipality)
    total = Incident.objects.filter(municipality=municipality).count()
    visible = Incident.objects.filter(municipality=municipality, confidentiality="open").count()

    web = Client()
    web.force_login(user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    deep = api.get("/api/v1/incidents/", {"page_size": 100})
    for _ in range(20):  # 20 pages on: a cursor 2,000 incidents deep
        deep = api.get(deep.json()["next"])
    deep_url = deep.json()["next"]
    area = Area.objects.filter(municipality=municipality).first()
    year_ago = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    cases = [
        ("web list page (50, HTML)", web, f"/{SLUG}/incidents/", 50),
        ("API page_size=100 (JSON)", api, "/api/v1/incidents/?page_size=100", 100),
        ("API page_size=50 (JSON)", api, "/api/v1/incidents/?page_size=50", 50),
        (
            "API 100, area and period",
            api,
            f"/api/v1/incidents/?page_size=100&area={area.pk}&date_from={year_ago}",
            100,
        ),
        ("API 100, 2,000 deep (cursor)", api, deep_url, 100),
        (
            "web list, area and period",
            web,
            f"/{SLUG}/incidents/?area={area.pk}&date_from={year_ago}",
            50,
        ),
    ]
    print(
        f"{total} incidents in {municipality} ({visible} open, which the partner reads); "
        f"{args.requests} requests per case, in-process (Django test client)."
    )
    header = f"{'case':32} {'median ms':>10} {'p95 ms':>8} {'req/s':>7} {'incidents/s':>12}"
    print(header + f" {'queries':>8}")
    for name, client, url, rows in cases:
        median, p95, queries = measure(client, args.requests, lambda c, url=url: c.get(url))
        per_second = 1000 / median
        print(
            f"{name:32} {median:10.1f} {p95:8.1f} {per_second:7.1f} {per_second * rows:12.0f} "
            f"{queries:8d}"
        )


if __name__ == "__main__":
    from django_scopes import scopes_disabled

    # A benchmark sets up and measures across municipalities: a deliberate unscoped run
    # (the requests it makes are scoped as in production).
    with scopes_disabled():
        main()
