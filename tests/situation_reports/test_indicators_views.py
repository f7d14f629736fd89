"""Indicator pages per role: everyone of the municipality reads, admins and coordinators edit,
another municipality's coordinator gets 404; hostile input gets a message, never a 5xx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from situation_reports.models import Indicator, IndicatorValue
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov", **kwargs})


@pytest.fixture
def unsafe(burlov):
    indicator = Indicator.objects.get(municipality=None, code="otrygghet-kvall")
    IndicatorValue.objects.create(
        municipality=burlov, indicator=indicator, period="year", year=2024, value=26, is_demo=True
    )
    IndicatorValue.objects.create(
        municipality=burlov, indicator=indicator, period="year", year=2025, value="24.5"
    )
    return indicator


@pytest.mark.parametrize(
    "who", ["admin_user", "coordinator", "member", "police_partner", "company_partner"]
)
def test_everyone_of_the_municipality_reads(request, login, who, unsafe):
    client = login(request.getfixturevalue(who))
    listing = client.get(_url("indicator-list"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "24,5 <span" in text and "24,500" not in text  # no trailing zeros
    detail = client.get(_url("indicator-detail", pk=unsafe.pk))
    assert detail.status_code == 200
    assert [label for label, _cells in detail.context["rows"]] == ["2024", "2025"]
    assert detail.context["has_demo"]
    manages = who in ("admin_user", "coordinator")
    assert (detail.context["form"] is not None) == manages
    assert client.get(_url("indicator-import")).status_code == (200 if manages else 403)
    posted = client.post(
        _url("indicator-value-create", pk=unsafe.pk), {"period_text": "2023", "value": "30"}
    )
    assert posted.status_code == (302 if manages else 403)
    assert IndicatorValue.objects.filter(year=2023).exists() == manages


def test_another_municipality_gets_404_everywhere(login, outsider, unsafe):
    client = login(outsider)
    value = IndicatorValue.objects.first()
    for address in [
        _url("indicator-list"),
        _url("indicator-detail", pk=unsafe.pk),
        _url("indicator-create"),
        _url("indicator-import"),
        _url("indicator-value-edit", pk=unsafe.pk, value_pk=value.pk),
    ]:
        assert client.get(address).status_code == 404, address
    assert (
        client.post(_url("indicator-value-delete", pk=unsafe.pk, value_pk=value.pk)).status_code
        == 404
    )
    assert IndicatorValue.objects.count() == 2


def test_a_coordinator_adds_a_measure_and_its_values(login, coordinator, burlov):
    client = login(coordinator)
    AreaFactory(municipality=burlov, name="Arlöv")
    response = client.post(
        _url("indicator-create"),
        {"name": "Sanerat klotter", "unit": "count", "source": "Gatukontoret", "link": ""},
    )
    own = Indicator.objects.get(municipality=burlov)
    assert response.status_code == 302 and own.code == "sanerat-klotter"
    good = client.post(
        _url("indicator-value-create", pk=own.pk),
        {"period_text": "2025-Q2", "value": "1 204", "sex": "", "age_group": ""},
    )
    assert good.status_code == 302
    again = client.post(
        _url("indicator-value-create", pk=own.pk), {"period_text": "2025 K2", "value": "3"}
    )
    assert again.status_code == 200
    assert "Det finns redan ett värde" in str(again.context["form"].errors)
    value = IndicatorValue.objects.get(indicator=own)
    assert (value.period, value.part, value.value) == ("quarter", 2, 1204)
    edit = client.post(
        _url("indicator-value-edit", pk=own.pk, value_pk=value.pk),
        {"period_text": "2025-Q2", "value": "1300"},
    )
    assert edit.status_code == 302
    value.refresh_from_db()
    assert value.value == 1300


def test_the_catalogue_cannot_be_changed_by_a_municipality(login, admin_user, unsafe):
    client = login(admin_user)
    assert client.get(_url("indicator-edit", pk=unsafe.pk)).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"period_text": "2025", "value": "x" * 10_000},
        {"period_text": "\x00", "value": "1"},
        {"period_text": "99999", "value": "1"},
        {"period_text": "2025", "value": "1e30"},
        {"period_text": "2025", "value": "-3"},
        {"period_text": "2025", "value": "5", "age_group": "barn\x00"},
        {"period_text": "2025", "value": "5", "area": "999999"},
    ],
)
def test_hostile_values_get_a_message_and_nothing_is_saved(login, coordinator, unsafe, data):
    client = login(coordinator)
    response = client.post(_url("indicator-value-create", pk=unsafe.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert IndicatorValue.objects.count() == 2


def test_the_import_previews_then_saves_only_a_clean_file(login, coordinator, burlov):
    client = login(coordinator)
    bad = SimpleUploadedFile(
        "v.csv", "mått;period;värde\notrygghet-kvall;2025;24\notrygghet-kvall;2025;x\n".encode()
    )
    response = client.post(_url("indicator-import"), {"file": bad})
    assert response.status_code == 200
    assert not response.context["preview"].is_clean
    assert "Import 1 value" not in response.content.decode()
    # Confirming without a clean preview saves nothing.
    client.post(_url("indicator-import-confirm"))
    assert IndicatorValue.objects.count() == 0
    good = SimpleUploadedFile("v.csv", "mått;period;värde\notrygghet-kvall;2025;24\n".encode())
    response = client.post(_url("indicator-import"), {"file": good})
    assert response.context["preview"].is_clean
    confirmed = client.post(_url("indicator-import-confirm"))
    assert confirmed.status_code == 302
    assert IndicatorValue.objects.get().value == 24
    # The same file again: the period is taken, and the preview says so.
    again = SimpleUploadedFile("v.csv", "mått;period;värde\notrygghet-kvall;2025;24\n".encode())
    response = client.post(_url("indicator-import"), {"file": again})
    assert "Måttet har redan ett värde för 2025" in response.content.decode()


def test_a_malformed_upload_gets_a_message(login, coordinator):
    client = login(coordinator)
    for name, data in [("v.xlsx", b"PK\x03\x04broken"), ("v.csv", b"\xff\xfe\x00\x00" * 40)]:
        response = client.post(_url("indicator-import"), {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
