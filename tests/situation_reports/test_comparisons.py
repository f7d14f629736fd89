"""Issue 13, comparisons: the reference list loaded, the police events counted per municipality,
type and year (idempotent, malformed files refused), the rates against county and country
computed independently from the fixture cut from the police file, and the page per role."""

import csv
import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from situation_reports.models import PoliceEventCount, ReferenceMunicipality, ReferencePopulation
from situation_reports.services import comparisons

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "comparisons"
EVENTS = FIXTURES / "police_events.json"
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]  # fmt: skip


@pytest.fixture
def reference(db):
    call_command("load_municipality_reference", str(FIXTURES), "--year", "2023", stdout=StringIO())


@pytest.fixture
def counted(reference):
    call_command("aggregate_police_events", str(EVENTS), stdout=StringIO())


# --- Independent expectations, straight from the fixture files ---------------------------------


def reference_rows():
    with open(FIXTURES / "swedish_municipalities.csv", encoding="utf-8") as f:
        rows = {r["municipality_name"]: r for r in csv.DictReader(f)}
    with open(FIXTURES / "population.csv", encoding="utf-8") as f:
        population = {r["kommun_kod"]: int(r["population"]) for r in csv.DictReader(f)}
    return rows, population


def expected_counts():
    """{(municipality name, type, year): count}: a municipal record by its location, a county
    record by the place last in its name when that is a municipality of the county; the year
    of the event (a December event published in January is of the year before)."""
    rows, _population = reference_rows()
    by_folded = {name.casefold(): name for name in rows}
    counts = Counter()
    for event in json.loads(EVENTS.read_text()):
        if event["type"].startswith("Sammanfattning"):
            continue
        location = event["location"]["name"]
        if location.endswith(" län"):
            place = by_folded.get(event["name"].rsplit(",", 1)[-1].strip().casefold())
            if place is None or rows[place]["county_name"] != location:
                continue
        else:
            place = by_folded.get(location.casefold())
            if place is None:
                continue
        year = int(event["datetime"][:4])
        month = MONTHS.index(event["name"].split()[1]) + 1
        if month == 12 and event["datetime"][5:7] == "01":
            year -= 1
        counts[(place, event["type"], year)] += 1
    return counts


def expected_rates(name, year, event_type=None):
    rows, population = reference_rows()
    county = rows[name]["county_name"]
    counts = expected_counts()

    def total(names):
        return sum(
            n
            for (place, kind, y), n in counts.items()
            if place in names and y == year and (event_type is None or kind == event_type)
        )

    in_county = [n for n, r in rows.items() if r["county_name"] == county]
    people = {n: population[r["municipality_code"]] for n, r in rows.items()}
    return (
        1000 * total([name]) / people[name],
        1000 * total(in_county) / sum(people[n] for n in in_county),
        1000 * total(list(rows)) / sum(people.values()),
    )


# --- The reference list ----------------------------------------------------------------------


def test_the_reference_list_loads_and_fills_the_municipalities_in_trygghet(burlov, reference):
    assert ReferenceMunicipality.objects.count() == 6
    assert ReferencePopulation.objects.get(municipality__code="1285").population == 34878
    burlov.refresh_from_db()
    assert (burlov.county, burlov.population) == ("Skåne län", 20042)
    call_command("load_municipality_reference", str(FIXTURES), "--year", "2023", stdout=StringIO())
    assert ReferencePopulation.objects.count() == 6  # twice changes nothing


@pytest.mark.parametrize(
    "municipalities, population, message",
    [
        ("municipality_code,municipality_name\n1231,Burlöv\n", None, "missing columns"),
        (
            "municipality_code,municipality_name,county_code,county_name\n12x1,B,12,S\n",
            None,
            "line 2: '12x1' is not a four-digit code",
        ),
        (
            "municipality_code,municipality_name,county_code,county_name\n1231,Burlöv,13,S\n",
            None,
            "not the code's prefix",
        ),
        (
            "municipality_code,municipality_name,county_code,county_name\n1231,Burlöv,12,S\n",
            "kommun_kod,kommun_namn,population\n1231,Burlöv,many\n",
            "'many' is not a population",
        ),
        (
            "municipality_code,municipality_name,county_code,county_name\n1231,Burlöv,12,S\n",
            "kommun_kod,kommun_namn,population\n1231,Eslöv,5\n",
            "is not the name of 1231",
        ),
        ("\x00\x01binary", None, "not a text file"),
    ],
)
def test_a_malformed_reference_list_is_refused_with_a_clear_message_and_nothing_saved(
    tmp_path, municipalities, population, message
):
    (tmp_path / "swedish_municipalities.csv").write_text(municipalities)
    (tmp_path / "population.csv").write_text(
        population or "kommun_kod,kommun_namn,population\n1231,Burlöv,20042\n"
    )
    with pytest.raises(CommandError, match=message):
        call_command("load_municipality_reference", str(tmp_path), stdout=StringIO())
    assert not ReferenceMunicipality.objects.exists()


# --- The police events, counted ----------------------------------------------------------------


def test_the_counts_match_the_fixture_and_a_second_run_gives_the_same_table(counted):
    expected = expected_counts()
    stored = {
        (c.municipality.name, c.event_type, c.year): c.count
        for c in PoliceEventCount.objects.select_related("municipality")
    }
    assert stored == dict(expected)
    assert sum(n for (place, _k, _y), n in expected.items() if place == "Upplands Väsby") > 0
    before = sorted(
        PoliceEventCount.objects.values_list("municipality__code", "event_type", "year", "count")
    )
    out = StringIO()
    call_command("aggregate_police_events", str(EVENTS), stdout=out)
    after = sorted(
        PoliceEventCount.objects.values_list("municipality__code", "event_type", "year", "count")
    )
    assert after == before
    assert "county-level record" in out.getvalue() and "summary" in out.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "Not JSON"),
        (b'{"events": []}', "Expected a list of events"),
        (b"[" * 100000, "nested too deeply|Not JSON"),
        (b'[{"id": 1, "name": "x", "location": {"name": "Atlantis"}}]', "names a municipality"),
    ],
)
def test_a_malformed_events_file_gives_a_clear_message_and_keeps_the_counts(
    counted, tmp_path, content, message
):
    before = PoliceEventCount.objects.count()
    bad = tmp_path / "events.json"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("aggregate_police_events", str(bad), stdout=StringIO())
    assert PoliceEventCount.objects.count() == before > 0


def test_counting_before_the_reference_list_is_loaded_says_what_to_do(db):
    with pytest.raises(CommandError, match="load_municipality_reference"):
        call_command("aggregate_police_events", str(EVENTS), stdout=StringIO())


def test_bad_records_are_skipped_not_fatal(reference, tmp_path):
    events = json.loads(EVENTS.read_text())
    events += [None, {"id": "x"}, {"id": 5, "datetime": "0001-01-01 0:00:00 +02:00"}]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events))
    summary = comparisons.aggregate_police_events(path)
    assert summary.skipped["malformed record"] == 3
    assert summary.counted == sum(expected_counts().values())


# --- Rates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, code", [("Burlöv", "1231"), ("Karlskrona", "1080")])
@pytest.mark.parametrize("year", [2024, 2025])
def test_the_rates_against_county_and_country_are_the_independent_figures(
    counted, name, code, year
):
    result = comparisons.compare(code, year=year)
    total = result.rows[0]
    assert total.event_type == ""
    own, county, country = expected_rates(name, year)
    assert total.rate == pytest.approx(own)
    assert total.county_rate == pytest.approx(county)
    assert total.country_rate == pytest.approx(country)
    by_type = {row.event_type: row for row in result.rows[1:]}
    kinds = {k for (_p, k, y) in expected_counts() if y == year}
    assert set(by_type) == kinds
    for kind in kinds:
        own, county, country = expected_rates(name, year, kind)
        assert by_type[kind].rate == pytest.approx(own)
        assert by_type[kind].county_rate == pytest.approx(county)
        assert by_type[kind].country_rate == pytest.approx(country)


def test_one_event_type_and_a_year_without_data_falls_back(counted):
    result = comparisons.compare("1231", year=2025, event_type="Brand")
    assert [row.event_type for row in result.rows] == ["Brand"]
    assert comparisons.compare("1231", year=1999).year in result.years


def test_the_flag_says_where_a_municipality_deviates():
    assert comparisons.flag_for(30, 10_000, 1.0) == comparisons.HIGHER  # 3.0 against 1.0
    assert comparisons.flag_for(4, 10_000, 1.0) == comparisons.LOWER  # 0.4 against 1.0
    assert comparisons.flag_for(12, 10_000, 1.0) == comparisons.SIMILAR
    assert comparisons.flag_for(2, 100, 1.0) == comparisons.SIMILAR  # too few to say


# --- The page -----------------------------------------------------------------------------------


def page_address(slug="burlov"):
    return reverse("situation_reports:comparisons", kwargs={"municipality": slug})


@pytest.mark.parametrize(
    "role", ["admin", "coordinator", "member", "police_partner", "company_partner"]
)
def test_everyone_of_the_municipality_reads_the_page(counted, login, users_by_role, role):
    client = login(users_by_role[role])
    response = client.get(page_address(), {"year": "2025"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "inte statistik över anmälda brott" in text
    own, county, country = expected_rates("Burlöv", 2025)
    assert f"{own:.2f}".replace(".", ",") in text
    assert f"{county:.2f}".replace(".", ",") in text
    assert f"{country:.2f}".replace(".", ",") in text


def test_an_outsider_gets_404(counted, login, users_by_role):
    client = login(users_by_role["outsider"])
    assert client.get(page_address()).status_code == 404
    assert client.post(page_address()).status_code == 404


@pytest.mark.parametrize(
    "query",
    [{"year": "x" * 5000}, {"year": "２０２５"}, {"type": "\x00" * 100}, {"type": "a" * 10**5}],
)
def test_hostile_parameters_give_the_page(counted, login, coordinator, query):
    response = login(coordinator).get(page_address(), query)
    assert response.status_code == 200


def test_without_reference_data_the_page_says_what_to_do(burlov, login, coordinator):
    response = login(coordinator).get(page_address())
    assert response.status_code == 200
    assert "load_municipality_reference" in response.content.decode()


def test_in_english_the_page_is_english_and_the_police_types_are_marked_swedish(
    counted, login, member, settings
):
    client = login(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(page_address(), {"year": "2025"}, headers={"accept-language": "en"})
    text = response.content.decode()
    assert '<html lang="en">' in text
    assert "not statistics of reported crime" in text
    assert "Sweden, per 1,000 inhabitants" in text
    assert '<span lang="sv">Brand</span>' in text
    assert '<option value="Brand" lang="sv">Brand</option>' in text
