"""Indicator series: reading periods and numbers, the catalogue, the latest values, and the
import of CSV and XLSX files (every bad row named, nothing saved until the file is clean)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from situation_reports.models import Indicator, IndicatorValue
from situation_reports.services import indicators as service
from situation_reports.services.indicator_catalogue import DEFAULT_INDICATORS
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The messages are checked in English (the Swedish ones in the view and browser tests)."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", ("year", 2025, 0)),
        ("2025-Q3", ("quarter", 2025, 3)),
        ("2025 K1", ("quarter", 2025, 1)),
        ("q4 2024", ("quarter", 2024, 4)),
        ("2025-VT", ("term", 2025, 1)),
        ("HT2025", ("term", 2025, 2)),
        ("2025-03", ("month", 2025, 3)),
        ("2025-12", ("month", 2025, 12)),
    ],
)
def test_periods_are_read_as_people_write_them(text, expected):
    assert service.parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "25", "2025-13", "2025-Q5", "1800", "3000-VT", "x" * 500])
def test_a_period_that_is_none_says_how_to_write_one(text):
    with pytest.raises(ValueError) as error:
        service.parse_period(text)
    assert len(str(error.value)) < 200


def test_numbers_take_comma_decimals_and_spaces_and_refuse_the_rest():
    assert service.parse_value("12,5") == Decimal("12.500")
    assert service.parse_value("1 234,5") == Decimal("1234.500")
    assert service.parse_value(7) == Decimal("7.000")
    for bad in ["", "tolv", "NaN", "Infinity", "1e400", "1,2,3"]:
        with pytest.raises(ValueError):
            service.parse_value(bad)


def test_the_default_catalogue_is_there_and_a_municipality_extends_it(burlov, eslov):
    codes = set(Indicator.objects.filter(municipality=None).values_list("code", flat=True))
    assert codes == {row[0] for row in DEFAULT_INDICATORS}
    own = Indicator.objects.create(
        municipality=burlov, code="klotter-m2", name="Sanerat klotter", unit="count", source="X"
    )
    assert own in Indicator.objects.available_to(burlov)
    assert own not in Indicator.objects.available_to(eslov)
    assert Indicator.objects.available_to(eslov).count() == len(DEFAULT_INDICATORS)


def _catalogue(code):
    return Indicator.objects.get(municipality=None, code=code)


def test_the_latest_value_prefers_the_whole_municipality(burlov):
    unsafe = _catalogue("otrygghet-kvall")
    area = AreaFactory(municipality=burlov, name="Arlöv")
    for year, value in [(2023, 30), (2024, 28)]:
        IndicatorValue.objects.create(
            municipality=burlov, indicator=unsafe, period="year", year=year, value=value
        )
    IndicatorValue.objects.create(
        municipality=burlov, indicator=unsafe, area=area, period="year", year=2025, value=40
    )
    latest = service.latest_values(burlov, [unsafe])
    assert latest[unsafe.pk].year == 2024 and latest[unsafe.pk].value == 28


def _csv(text):
    return service.read_table("values.csv", text.encode("utf-8"))


def test_a_clean_file_is_imported_whole(burlov):
    AreaFactory(municipality=burlov, name="Arlöv")
    rows = _csv(
        "mått;enhet;område;period;värde;kön;ålder\n"
        "otrygghet-kvall;procent;;2025;24,5;;\n"
        "otrygghet-kvall;%;Arlöv;2025;28;kvinnor;16-29\n"
        "Anmälda brott per 1 000 invånare;per 1000;;2025-Q1;21,3;;\n"
    )
    preview = service.preview(rows, burlov)
    assert preview.is_clean, [row.errors for row in preview.rows]
    assert service.import_rows(rows, burlov, None) == 3
    with translation.override("sv"):
        assert IndicatorValue.objects.get(value=Decimal("24.5")).shown_value == "24,5"
    women = IndicatorValue.objects.get(sex="women")
    assert (women.area.name, women.age_group, women.value) == ("Arlöv", "16-29", Decimal("28"))
    assert IndicatorValue.objects.get(period="quarter").part == 1


def test_every_bad_row_gets_its_message_and_nothing_is_saved(burlov):
    IndicatorValue.objects.create(
        municipality=burlov,
        indicator=_catalogue("brand-utomhus"),
        period="year",
        year=2024,
        value=3,
    )
    rows = _csv(
        "indikator;enhet;område;period;värde\n"
        "otrygghet-kvall;procent;;2025;24,5\n"  # 2: fine
        "otrygghet-kvall;kronor;;2024;20\n"  # 3: wrong unit
        "otrygghet-kvall;procent;Atlantis;2025;20\n"  # 4: unknown area
        "otrygghet-kvall;procent;;2025;22\n"  # 5: the same period as row 2
        "otrygghet-kvall;procent;;2023;många\n"  # 6: not a number
        "otrygghet-kvall;procent;;2023;140\n"  # 7: a share above 100
        "brand-utomhus;antal;;2024;5\n"  # 8: already stored
        "okänt mått;;;2024;5\n"  # 9: not in the catalogue
        "otrygghet-kvall;;;förra året;5\n"  # 10: not a period
        "oro-brottslighet;;;2024;19811218-9876\n"  # 11: a personal identity number
    )
    preview = service.preview(rows, burlov)
    errors = {row.number: " ".join(row.errors) for row in preview.rows}
    assert errors[2] == ""
    assert "unit" in errors[3]
    assert "Atlantis" in errors[4]
    assert "row 2" in errors[5]
    assert "många" in errors[6] and "not a number" in errors[6]
    assert "100" in errors[7]
    assert "already has a value for 2024" in errors[8]
    assert "okänt mått" in errors[9]
    assert "förra året" in errors[10]
    assert "personal identity number" in errors[11]
    assert not preview.is_clean
    with pytest.raises(service.ImportNotClean):
        service.import_rows(rows, burlov, None)
    assert IndicatorValue.objects.count() == 1


def test_columns_of_personal_data_refuse_the_file(burlov):
    preview = service.preview(_csv("namn;mått;period;värde\nAnna;otrygghet-kvall;2025;3\n"), burlov)
    assert "namn" in preview.fatal and "aggregates" in preview.fatal
    missing = service.preview(_csv("mått;värde\notrygghet-kvall;3\n"), burlov)
    assert "period" in missing.fatal


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_file_is_read_with_its_numbers(burlov):
    data = _xlsx(
        [["Mått", "Period", "Värde"], ["brand-byggnad", 2024, 12], ["brand-byggnad", "2025", 9.5]]
    )
    rows = service.read_table("v.xlsx", data)
    preview = service.preview(rows, burlov)
    assert preview.is_clean, [row.errors for row in preview.rows]
    assert service.import_rows(rows, burlov, None) == 2
    assert sorted(IndicatorValue.objects.values_list("value", flat=True)) == [9.5, 12]


@pytest.mark.parametrize("data", [b"PK\x03\x04garbage", b"\x00\x01\x02" * 50, b""])
def test_a_malformed_file_gets_a_message(burlov, data):
    try:
        rows = service.read_table("v.xlsx" if data.startswith(b"PK") else "v.csv", data)
    except ValueError as error:
        assert str(error)
    else:
        preview = service.preview(rows, burlov)
        assert preview.fatal or not preview.is_clean


def test_the_demo_values_are_marked_and_seeded_once(burlov, eslov):
    import datetime

    from situation_reports.demo import seed_indicators

    today = datetime.date(2026, 6, 1)
    made = seed_indicators(burlov, today) + seed_indicators(eslov, today)
    assert made == IndicatorValue.objects.count() > 20
    assert not IndicatorValue.objects.filter(is_demo=False).exists()
    assert seed_indicators(burlov, today) == 0
    years = set(IndicatorValue.objects.values_list("year", flat=True))
    assert years == {2022, 2023, 2024, 2025}
