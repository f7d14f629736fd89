"""A bad file is refused at the preview, row by row, and never breaks the confirm (issue #10,
findings 2 and 7: a NUL byte passed the preview, failed the confirm and made every later confirm
fail; a cell over 131,072 characters answered 500; a row dated 0001-01-01 was imported)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from django.utils import translation

from situation_reports.models import Incident
from situation_reports.services import csv_import

pytestmark = pytest.mark.django_db

HEADER = "datum;tid;kategori;område;plats;beskrivning;allvarlighetsgrad;sekretess\n"
GOOD = "2026-05-02;22:15;Klotter;Arlöv;Tågstationen;Klotter på perrongen;låg;öppen\n"
OTHER = "2026-05-03;10:00;Klotter;Arlöv;Skolan;Klotter på skolan;låg;öppen\n"


def url(name):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov"})


def upload(client, content, name="handelser.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    response = client.post(
        url("incident-import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    return response


def row_errors(response):
    preview = response.context["preview"]
    assert preview is not None, response.context["form"].errors
    return {row.number: " ".join(row.errors) for row in preview.invalid}


def file_errors(response):
    return " ".join(response.context["form"].errors.get("file", []))


@pytest.fixture
def client(login, coordinator, categories, arlov):
    client = login(coordinator)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    "row, words",
    [
        ("2026-05-04;10:00;Klotter;Arlöv;;Text med NUL\x00;låg;öppen", "control characters"),
        ("2026-05-04;10:00;Klotter;Arlöv;Plats\x00;Text;låg;öppen", "control characters"),
        ("2026-05-04;10:00;Klotter;Arlöv;;Escape \x1b[31m;låg;öppen", "control characters"),
        ("2026-05-04;10:00;Klotter;Arlöv;;" + "x" * 10_001 + ";låg;öppen", "longer than"),
        ("2026-05-04;10:00;Klotter;Arlöv;;" + "x" * 131_073 + ";låg;öppen", "longer than"),
        ("2026-05-04;10:00;Klotter;Arlöv;" + "p" * 201 + ";Text;låg;öppen", "longer than"),
        ("2026-05-04;10:00;" + "k" * 200_000 + ";Arlöv;;Text;låg;öppen", "longer than"),
        ("0001-01-01;10:00;Klotter;Arlöv;;Text;låg;öppen", "between 2000-01-01 and 2100-12-31"),
        ("1999-12-31;;Klotter;Arlöv;;Text;låg;öppen", "between 2000-01-01 and 2100-12-31"),
        ("9999-12-31;10:00;Klotter;Arlöv;;Text;låg;öppen", "future"),
    ],
)
def test_a_bad_row_gets_its_own_message_and_the_others_are_kept(client, row, words):
    response = upload(client, HEADER + GOOD + row + "\n" + OTHER)
    errors = row_errors(response)
    assert list(errors) == [3], errors
    assert words in errors[3]
    assert len(errors[3]) < 1000  # a huge value is not echoed back whole
    assert [r.number for r in response.context["preview"].valid] == [2, 4]


def test_the_confirm_saves_the_good_rows_of_a_file_with_a_nul_and_later_imports_work(client):
    upload(client, HEADER + GOOD + "2026-05-04;;Klotter;Arlöv;;NUL\x00;låg;öppen\n")
    response = client.post(url("incident-import-confirm"))
    assert response.status_code == 302
    assert list(Incident.objects.values_list("description", flat=True)) == ["Klotter på perrongen"]
    upload(client, HEADER + OTHER)
    assert client.post(url("incident-import-confirm")).status_code == 302
    assert Incident.objects.count() == 2


def test_a_confirm_that_fails_saves_nothing_and_the_next_import_works(client, monkeypatch):
    upload(client, HEADER + GOOD)
    real = csv_import.bulk_create_with_history

    def broken(objs, *args, **kwargs):
        objs[0].save()  # one row is written, then the database refuses
        raise DatabaseError("value too long")

    monkeypatch.setattr(csv_import, "bulk_create_with_history", broken)
    response = client.post(url("incident-import-confirm"), follow=True)
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert Incident.objects.count() == 0
    # The failed file is forgotten: confirming again imports nothing and says so.
    client.post(url("incident-import-confirm"))
    assert Incident.objects.count() == 0
    monkeypatch.setattr(csv_import, "bulk_create_with_history", real)
    upload(client, HEADER + GOOD)
    assert client.post(url("incident-import-confirm")).status_code == 302
    assert Incident.objects.count() == 1


def test_the_confirm_checks_the_rows_again(client, arlov):
    upload(client, HEADER + GOOD + OTHER)
    arlov.name = "Arlöv centrum"  # the rows' area is no longer known
    arlov.save()
    client.post(url("incident-import-confirm"))
    assert Incident.objects.count() == 0


def test_a_utf8_file_with_undecodable_bytes_names_the_line(client):
    content = (HEADER + GOOD).encode() + b"2026-05-04;;Klotter;Arl\xf6v;;Text;l\xe5g;\n"
    response = upload(client, content)
    assert response.context["preview"] is None
    assert "Line 3" in file_errors(response)
    assert not Incident.objects.exists()


def test_a_file_that_is_no_text_names_the_line(client):
    content = (HEADER + GOOD).encode("cp1252") + b"2026-05-04;;Klotter;\x81\x8d\x90;;x;;\n"
    response = upload(client, content)
    assert "Line 3" in file_errors(response)


def test_a_windows_file_is_still_read(client):
    response = upload(client, (HEADER + GOOD + OTHER).encode("cp1252"))
    assert len(response.context["preview"].valid) == 2


def test_a_cell_the_csv_reader_itself_refuses_is_a_message_naming_the_row(coordinator, arlov):
    import csv

    from councils.models import MunicipalityMembership

    membership = MunicipalityMembership.objects.get(user=coordinator)
    text = HEADER + GOOD + "2026-05-04;;Klotter;;;" + "x" * (csv.field_size_limit() + 1) + ";;\n"
    with translation.override("en"):
        result = csv_import.preview(text, membership)
    assert "Row 3" in result.fatal


@pytest.mark.parametrize("lat, lng", [("NaN", "13.07"), ("55.6", "sNaN"), ("Infinity", "1e999")])
def test_a_position_that_is_no_finite_number_is_a_row_message(client, lat, lng):
    header = HEADER.rstrip("\n") + ";latitud;longitud\n"
    response = upload(client, header + GOOD.rstrip("\n") + f";{lat};{lng}\n")
    assert "not a pair of numbers" in row_errors(response)[2]
