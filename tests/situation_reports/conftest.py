import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from councils.models import Area, Municipality
from situation_reports.models import Incident, IncidentCategory
from situation_reports.services.categories import ensure_default_categories

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def categories(db):
    ensure_default_categories()
    return {c.code: c for c in IncidentCategory.objects.filter(municipality__isnull=True)}


@pytest.fixture
def arlov(burlov):
    return Area.objects.create(
        municipality=burlov, name="Arlöv", latitude=55.6377, longitude=13.0758
    )


@pytest.fixture
def akarp(burlov):
    return Area.objects.create(
        municipality=burlov, name="Åkarp", latitude=55.6563, longitude=13.1107
    )


@pytest.fixture
def eslov_area(eslov):
    return Area.objects.create(
        municipality=eslov, name="Löberöd", latitude=55.775, longitude=13.5153
    )


@pytest.fixture
def make_incident(categories):
    """``make_incident(municipality, **fields)``: an incident a few hours ago, open, manual."""

    def _make(municipality, **fields):
        started = fields.pop("started_at", timezone.now() - datetime.timedelta(hours=3))
        category = fields.pop("category", categories["vandalism"])
        if isinstance(category, str):
            category = categories[category]
        incident = Incident(
            municipality=municipality,
            occurred_on=timezone.localtime(started).date()
            if started
            else fields.pop("occurred_on"),
            started_at=started,
            category=category,
            description=fields.pop("description", "Krossad ruta vid busshållplatsen."),
            **fields,
        )
        incident.save()
        return incident

    return _make


@pytest.fixture
def police_events():
    return json.loads((FIXTURES / "police_events.json").read_text())


@pytest.fixture
def police_fixture_path():
    return FIXTURES / "police_events.json"


def make_municipality(name, slug, code):
    return Municipality.objects.get_or_create(slug=slug, defaults={"name": name, "code": code})[0]
