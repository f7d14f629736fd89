"""Incidents for the tests of every app: the national categories, three areas and
``make_incident`` (situation_reports' own world builders are in its conftest)."""

import pytest

from situation_reports.models import IncidentCategory
from situation_reports.services.categories import ensure_default_categories
from tests.factories import AreaFactory, IncidentFactory


@pytest.fixture
def categories(db):
    """The national categories by code (``categories["vandalism"]``)."""
    ensure_default_categories()
    return {c.code: c for c in IncidentCategory.objects.filter(municipality__isnull=True)}


@pytest.fixture
def arlov(burlov):
    return AreaFactory(municipality=burlov, name="Arlöv", latitude=55.6377, longitude=13.0758)


@pytest.fixture
def akarp(burlov):
    return AreaFactory(municipality=burlov, name="Åkarp", latitude=55.6563, longitude=13.1107)


@pytest.fixture
def eslov_area(eslov):
    return AreaFactory(municipality=eslov, name="Löberöd", latitude=55.775, longitude=13.5153)


@pytest.fixture
def make_incident(categories):
    """``make_incident(municipality, **fields)``: an incident a few hours ago, open, manual
    (``IncidentFactory``; ``category`` may be a national category's code)."""

    def _make(municipality, **fields):
        return IncidentFactory(municipality=municipality, **fields)

    return _make
