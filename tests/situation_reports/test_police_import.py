"""Police open data: the format's traps, deduplication, the command, the fetch and the task."""

import datetime
import gzip
import http.server
import json
import os
import threading
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from councils.models import Municipality
from situation_reports.models import Incident, PoliceImportSetting
from situation_reports.services import police, police_format
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_it_reads_an_unpadded_hour():
    published = police_format.parse_published("2025-06-07 7:32:06 +02:00")
    assert (published.hour, published.minute, published.utcoffset().total_seconds()) == (
        7,
        32,
        7200,
    )


def test_it_takes_the_time_from_the_name_in_both_formats():
    published = police_format.parse_published("2023-11-06 7:42:03 +01:00")
    old = police_format.event_time("06 november 07:32, Trafikolycka, Burlöv", published)
    new = police_format.event_time("06 november 07.32, Trafikolycka, Burlöv", published)
    assert old == new
    assert (old.year, old.month, old.day, old.hour, old.minute) == (2023, 11, 6, 7, 32)


def test_a_december_event_published_in_january_belongs_to_the_previous_year():
    published = police_format.parse_published("2026-01-01 7:23:31 +01:00")
    when = police_format.event_time("31 december 23.49, Olaga hot, Ronneby", published)
    assert when.date().isoformat() == "2025-12-31"
    same_year = police_format.event_time("01 januari 00.35, Misshandel, Eslöv", published)
    assert same_year.date().isoformat() == "2026-01-01"


def test_it_imports_the_fixture_with_every_trap(burlov, eslov, police_events, categories):
    lund = MunicipalityFactory(name="Lund", slug="lund", code="1281")
    ronneby = MunicipalityFactory(name="Ronneby", slug="ronneby", code="1081")
    summary = police.import_events(police_events)
    expected_burlov = sum(1 for e in police_events if e["location"]["name"] == "Burlöv")
    assert Incident.objects.filter(municipality=burlov).count() == expected_burlov
    assert summary.skipped[police.SKIP_COUNTY] == 3  # two in Skåne, one in Västerbotten
    assert summary.skipped[police.SKIP_SUMMARY] == 2
    assert summary.skipped[police.SKIP_OTHER_MUNICIPALITY] == 1  # Kalmar is not in Trygghet
    assert summary.unknown_types == Counter({"Djur": 1})
    djur = Incident.objects.get(municipality=lund)
    assert djur.category.code == "other"
    new_year = Incident.objects.get(municipality=ronneby)
    assert new_year.occurred_on.isoformat() == "2025-12-31"
    assert new_year.police_url.startswith("https://polisen.se/aktuellt/")
    incident = Incident.objects.filter(municipality=burlov).order_by("-started_at").first()
    assert incident.source == Incident.Source.POLICE_OPEN_DATA
    assert incident.confidentiality == Incident.Confidentiality.OPEN
    assert incident.latitude is None  # the gps is the municipality's centre, not the place
    created = incident.history.get()  # its creation is in the history like any other
    assert (created.history_type, created.history_change_reason) == ("+", "police open data")
    assert created.description == incident.description
    assert summary.imported == Incident.objects.count()
    assert summary.read == len(police_events)


def test_a_reimport_adds_nothing(burlov, eslov, police_events, categories):
    first = police.import_events(police_events)
    second = police.import_events(police_events)
    assert second.imported == 0
    assert second.already_there == first.imported
    assert Incident.objects.count() == first.imported


def test_a_malformed_record_is_counted_not_a_crash(burlov, categories):
    events = [
        {"id": "x"},
        {"id": 1, "datetime": "igår", "name": "?", "type": "Brand", "location": {"name": "Burlöv"}},
        None,
    ]
    summary = police.import_events(events)
    assert summary.skipped[police.SKIP_MALFORMED] == 3
    assert Incident.objects.count() == 0


def test_the_command_reads_plain_and_gzipped_files_and_summarises(
    burlov, eslov, police_fixture_path, categories, tmp_path
):
    gz = tmp_path / "events.json.gz"
    gz.write_bytes(gzip.compress(police_fixture_path.read_bytes()))
    out = StringIO()
    call_command("import_police_events", str(gz), stdout=out)
    text = out.getvalue()
    assert "Read: 25" in text
    assert "Imported: 17" in text
    assert "county-level record: 3" in text
    out = StringIO()
    call_command("import_police_events", str(police_fixture_path), stdout=out)
    assert "Imported: 0" in out.getvalue()
    assert "Already there: 17" in out.getvalue()


def test_the_command_refuses_a_missing_file(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_police_events", "/nonexistent/events.json")


def shared_file():
    base = os.environ.get("TRYGGHET_SHARED_DATA")
    root = Path(base) if base else Path(settings.BASE_DIR).parent / "shared" / "data"
    path = root / "polisen-events" / police.SHARED_EVENTS_FILE
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"The shared police events file is missing: {path}")
        pytest.skip("the shared police events file is not here")
    return path


def test_after_importing_the_whole_file_burlov_has_exactly_its_events(burlov, eslov, categories):
    path = shared_file()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        events = json.load(handle)
    Municipality.objects.filter(pk__in=[burlov.pk, eslov.pk]).update(county="Skåne län")

    # Computed from the file independently of the importer: distinct ids, not summaries,
    # whose location is the municipality itself or (since 20 January 2026) its county with
    # the municipality last in the name.
    def of(event, name):
        location, place = event["location"]["name"], event["name"].rsplit(",", 1)[-1].strip()
        return location == name or (location == "Skåne län" and place == name)

    def expected(name, since=""):
        return len(
            {
                e["id"]
                for e in events
                if of(e, name)
                and not e["type"].startswith("Sammanfattning")
                and e["datetime"] >= since
            }
        )

    # The figures of the file: the county records since 21 January were all lost before.
    assert (expected("Burlöv"), expected("Burlöv", "2026-01-21")) == (169, 22)
    assert (expected("Eslöv"), expected("Eslöv", "2026-01-21")) == (239, 33)
    out = StringIO()
    call_command("import_police_events", str(path), stdout=out)
    assert Incident.objects.filter(municipality=burlov).count() == expected("Burlöv")
    assert Incident.objects.filter(municipality=eslov).count() == expected("Eslöv")
    after = Incident.objects.filter(occurred_on__gte=datetime.date(2026, 1, 21))
    assert after.filter(municipality=burlov).count() == 22
    assert after.filter(municipality=eslov).count() == 33
    assert "84504/84504" in out.getvalue()  # progress was shown


class FixtureHandler(http.server.BaseHTTPRequestHandler):
    body = b"[]"
    calls = 0

    def do_GET(self):
        type(self).calls += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_api(police_fixture_path):
    FixtureHandler.body = police_fixture_path.read_bytes()
    FixtureHandler.calls = 0
    server = http.server.HTTPServer(("127.0.0.1", 0), FixtureHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cache.delete("situation_reports:police-api-call")
    yield f"http://127.0.0.1:{server.server_port}/api/events"
    server.shutdown()
    cache.delete("situation_reports:police-api-call")


def test_the_fetch_reads_the_api_and_keeps_ten_seconds_between_calls(local_api):
    events = police.fetch_api(local_api)
    assert len(events) == 25
    assert police.fetch_api(local_api) is None  # too soon: the API is not called
    assert FixtureHandler.calls == 1


def test_the_task_does_nothing_until_a_municipality_switches_it_on(burlov, local_api, categories):
    from situation_reports.tasks import fetch_police_events

    result = fetch_police_events.apply(kwargs={"url": local_api}).get()
    assert "skipped" in result
    assert FixtureHandler.calls == 0
    PoliceImportSetting.objects.create(municipality=burlov, enabled=True)
    result = fetch_police_events.apply(kwargs={"url": local_api}).get()
    assert result["imported"] == Incident.objects.filter(municipality=burlov).count() > 0
    setting = PoliceImportSetting.objects.get()
    assert setting.last_fetched_at is not None
    assert setting.last_summary["imported"] == result["imported"]
    # Eslöv is in the file but did not switch the import on.
    assert not Incident.objects.exclude(municipality=burlov).exists()


def test_the_periodic_task_exists_after_migrate(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Fetch police open-data events")
    assert task.task == "situation_reports.tasks.fetch_police_events"
    assert task.interval.every >= 10


def test_the_police_events_appear_in_the_list_as_police_open_data(
    login, coordinator, burlov, police_events, categories
):
    from django.urls import reverse

    police.import_events(police_events)
    response = login(coordinator).get(
        reverse("situation_reports:incident-list", kwargs={"municipality": "burlov"})
        + "?source=police_open_data"
    )
    assert (
        response.context["page_obj"].paginator.count
        == Incident.objects.filter(municipality=burlov).count()
    )
    assert timezone.now()


def test_an_area_named_in_the_summary_is_taken_only_when_it_is_the_only_one(burlov, categories):
    from councils.models import Area

    arlov = Area.objects.create(municipality=burlov, name="Arlöv")
    Area.objects.create(municipality=burlov, name="Åkarp")
    base = {
        "datetime": "2025-04-09 12:00:00 +02:00",
        "type": "Brand",
        "location": {"name": "Burlöv"},
    }
    police.import_events(
        [
            {
                **base,
                "id": 1,
                "name": "09 april 11.58, Brand, Burlöv",
                "summary": "Brand i förråd, Arlöv.",
            },
            {
                **base,
                "id": 2,
                "name": "09 april 11.58, Brand, Burlöv",
                "summary": "Från Arlöv till Åkarp.",
            },
            {
                **base,
                "id": 3,
                "name": "09 april 11.58, Brand, Burlöv",
                "summary": "Brand i Arlövsskolan.",
            },
        ]
    )
    areas = dict(Incident.objects.values_list("police_id", "area"))
    assert areas == {1: arlov.pk, 2: None, 3: None}


def test_a_coordinator_switches_the_periodic_fetch_on_and_off(login, coordinator, member, burlov):
    from django.urls import reverse

    address = reverse("situation_reports:police-import-switch", kwargs={"municipality": "burlov"})
    assert login(member).post(address, {"enabled": "on"}).status_code == 403
    client = login(coordinator)
    assert client.post(address, {"enabled": "on"}).status_code == 302
    assert PoliceImportSetting.objects.get(municipality=burlov).enabled
    client.post(address, {"enabled": "off"})
    assert not PoliceImportSetting.objects.get(municipality=burlov).enabled


# --- Both shapes of record: before 20 January 2026 and the county records since -------------


@pytest.fixture
def events_2026():
    """Thirteen records cut from the shared file: Burlöv, Eslöv, Östra Göinge and Upplands
    Väsby before 20 January 2026 (by location, two spelt "Östra göinge" and "Upplands väsby")
    and after (location the county, the municipality last in the name, "Östra göinge"
    again); Malmö's event in Skåne län on the day of the change; three county notices that
    name no municipality, on both sides of it."""
    return json.loads((FIXTURES_2026).read_text())


FIXTURES_2026 = Path(__file__).parent / "fixtures" / "police_events_2026.json"


@pytest.fixture
def four_municipalities(burlov, eslov):
    Municipality.objects.filter(pk__in=[burlov.pk, eslov.pk]).update(county="Skåne län")
    return {
        "Burlöv": burlov,
        "Eslöv": eslov,
        "Östra Göinge": MunicipalityFactory(
            name="Östra Göinge", slug="ostra-goinge", code="1256", county="Skåne län"
        ),
        "Upplands Väsby": MunicipalityFactory(
            name="Upplands Väsby", slug="upplands-vasby", code="0114", county="Stockholms län"
        ),
    }


EXPECTED_2026 = {
    649873: "Burlöv",  # "18 augusti 23.13, Misshandel, Burlöv" in Skåne län
    649758: "Burlöv",
    620975: "Burlöv",  # location Burlöv, 13 January
    649639: "Eslöv",
    619871: "Eslöv",
    647078: "Östra Göinge",  # "..., Östra göinge" in Skåne län
    619802: "Östra Göinge",  # location "Östra göinge"
    649848: "Upplands Väsby",  # "..., Upplands Väsby" in Stockholms län
    621962: "Upplands Väsby",  # location "Upplands väsby"
}


def test_a_county_record_is_imported_for_the_municipality_last_in_its_name(
    four_municipalities, events_2026, categories
):
    summary = police.import_events(events_2026)
    imported = dict(Incident.objects.values_list("police_id", "municipality__name"))
    assert imported == EXPECTED_2026  # each for its own municipality, none for another
    # The three notices naming no municipality, and Malmö's (not in Trygghet), stay out.
    assert summary.skipped[police.SKIP_COUNTY] == 4
    assert summary.imported == 9
    burlov = Incident.objects.get(police_id=649873)
    assert burlov.occurred_on.isoformat() == "2026-08-18"
    assert burlov.category.code == "violence"


def test_a_county_record_is_not_imported_for_a_municipality_of_another_county(
    four_municipalities, events_2026, categories
):
    moved = [
        {**event, "location": {**event["location"], "name": "Stockholms län"}}
        for event in events_2026
        if event["id"] == 649873
    ]
    summary = police.import_events(moved)
    assert summary.skipped[police.SKIP_COUNTY] == 1
    assert not Incident.objects.exists()


def test_a_reimport_of_both_shapes_adds_nothing(four_municipalities, events_2026, categories):
    first = police.import_events(events_2026)
    second = police.import_events(events_2026)
    assert (first.imported, second.imported, second.already_there) == (9, 0, 9)
    assert Incident.objects.count() == 9


def test_the_import_is_limited_to_the_chosen_municipalities_in_both_shapes(
    four_municipalities, events_2026, categories
):
    burlov = four_municipalities["Burlöv"]
    summary = police.import_events(events_2026, municipalities=[burlov])
    assert set(Incident.objects.values_list("municipality", flat=True)) == {burlov.pk}
    assert summary.imported == 3
    # Eslöv's and Östra Göinge's records since 20 January name a municipality not chosen: in
    # the county's shape they cannot be told from a county notice without the reference list.
    assert summary.skipped[police.SKIP_OTHER_MUNICIPALITY] == 3  # by location, before


def test_the_importer_and_the_comparisons_read_a_record_alike():
    """One function, ``municipality_of``, for both: the table is {casefolded name: (value,
    county)}."""
    table = {"burlöv": ("B", "Skåne län"), "östra göinge": ("Ö", "Skåne län")}
    published = "2026-08-19 6:29:38 +02:00"

    def read(name, location, municipalities=table):
        record = {"id": 1, "datetime": published, "name": name, "type": "Brand"}
        record["location"] = {"name": location}
        return police_format.municipality_of(police_format.parse_event(record), municipalities)

    assert read("18 augusti 23.13, Brand, Burlöv", "Skåne län") == ("B", True)
    assert read("18 augusti 23.13, Brand, BURLÖV", "skåne län") == ("B", True)
    assert read("18 augusti 23.13, Brand, Burlöv", "Stockholms län") == (None, True)
    assert read("18 augusti 23.13, Övrigt, Skåne län", "Skåne län") == (None, True)
    assert read("18 augusti 23.13, Brand", "Skåne län") == (None, True)
    assert read("30 december 14.56, Brand, Östra göinge", "Östra göinge") == ("Ö", False)
    assert read("30 december 14.56, Brand, Lund", "Lund") == (None, False)
    # A municipality whose county Trygghet was not told: the county is not checked.
    unknown_county = {"burlöv": ("B", "")}
    assert read("18 augusti 23.13, Brand, Burlöv", "Skåne län", unknown_county) == ("B", True)
