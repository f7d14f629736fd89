"""Issue 15, all 290 municipalities: one command brings every municipality of the reference
list (the shared data's files, in the format of ``../shared/data/municipalities/``) into
Trygghet, with its code, county and population by year; running it again changes nothing;
the police's open-data import then covers them all."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from councils.models import Municipality
from situation_reports.models import Incident, ReferencePopulation
from situation_reports.services import police

from .test_comparisons import EVENTS

pytestmark = pytest.mark.django_db

DIRECTORY = police.shared_data_dir() / "municipalities"


def listed():
    with open(DIRECTORY / "swedish_municipalities.csv", encoding="utf-8") as handle:
        return {row["municipality_code"]: row for row in csv.DictReader(handle)}


def test_every_municipality_is_brought_in_once_and_keeps_its_address(burlov):
    Municipality.objects.filter(pk=burlov.pk).update(slug="burlovs-kommun")
    out = StringIO()
    call_command("load_municipalities", str(DIRECTORY), "--year", "2023", stdout=out)
    rows = listed()
    assert len(rows) == 290 and Municipality.objects.count() == 290
    assert "290 municipalities in the list, 289 new" in out.getvalue()
    for code, row in rows.items():
        municipality = Municipality.objects.get(code=code)
        assert municipality.name == row["municipality_name"]
        assert municipality.county == row["county_name"]
        assert municipality.population and municipality.population > 0
    # The addresses come from the names; an existing one is kept.
    assert Municipality.objects.get(code="0114").slug == "upplands-vasby"
    assert Municipality.objects.get(code="1280").slug == "malmo"
    assert Municipality.objects.get(code="1231").slug == "burlovs-kommun"
    assert ReferencePopulation.objects.filter(year=2023).count() == 290
    slugs = list(Municipality.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 290
    # Again: nothing new, nothing changed.
    before = list(Municipality.objects.order_by("code").values())
    out = StringIO()
    call_command("load_municipalities", str(DIRECTORY), "--year", "2023", stdout=out)
    assert "0 new" in out.getvalue()
    assert list(Municipality.objects.order_by("code").values()) == before


def test_the_police_import_then_covers_every_municipality(db):
    call_command("load_municipalities", str(DIRECTORY), stdout=StringIO())
    summary = police.import_source(EVENTS)
    names = set(Incident.objects.values_list("municipality__name", flat=True).distinct())
    assert {"Burlöv", "Malmö"} <= names
    assert summary.imported == Incident.objects.count() > 0


def test_a_broken_list_is_refused_with_its_line(tmp_path):
    (tmp_path / "swedish_municipalities.csv").write_text(
        "municipality_code,municipality_name,county_code,county_name\n12x1,Burlöv,12,Skåne län\n",
        encoding="utf-8",
    )
    (tmp_path / "population.csv").write_text(
        "kommun_kod,kommun_namn,population\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="line 2"):
        call_command("load_municipalities", str(tmp_path), stdout=StringIO())
    assert not Municipality.objects.exists()
