import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from situation_reports.models import Incident

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov", **kwargs})


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_export_is_exactly_the_filtered_set_and_safe(
    login, coordinator, burlov, make_incident, arlov, akarp
):
    make_incident(burlov, area=arlov, description='=HYPERLINK("http://evil.example","klicka")')
    make_incident(burlov, area=arlov, place="@SUM(1)", description="Vanlig text")
    make_incident(burlov, area=akarp, description="Åkarps händelse")
    rows = csv_rows(login(coordinator).get(url("incident-export", fmt="csv") + f"?area={arlov.pk}"))
    assert len(rows) == 3  # header + the two of Arlöv
    descriptions = sorted(r[10] for r in rows[1:])
    assert descriptions == ['\'=HYPERLINK("http://evil.example","klicka")', "Vanlig text"]
    assert "'@SUM(1)" in [r[7] for r in rows[1:]]


def test_the_excel_export_is_exactly_the_filtered_set_and_safe(
    login, coordinator, burlov, make_incident, arlov, akarp
):
    make_incident(burlov, area=arlov, description="+46 70 123 45 67 ringde")
    make_incident(burlov, area=akarp, description="Åkarps händelse")
    response = login(coordinator).get(url("incident-export", fmt="xlsx") + f"?area={arlov.pk}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    cell = sheet.cell(row=2, column=11)
    assert cell.value == "'+46 70 123 45 67 ringde"
    assert cell.data_type == "s"


def test_the_export_of_a_withdrawn_filter_includes_withdrawn(
    login, coordinator, burlov, make_incident
):
    make_incident(burlov, status=Incident.Status.WITHDRAWN, withdrawn_reason="fel")
    make_incident(burlov)
    client = login(coordinator)
    assert len(csv_rows(client.get(url("incident-export", fmt="csv")))) == 2
    assert len(csv_rows(client.get(url("incident-export", fmt="csv") + "?status=all"))) == 3


CSV = """datum;tid;kategori;område;plats;beskrivning;allvarlighetsgrad;sekretess
2026-05-02;22:15;Klotter;Arlöv;Tågstationen;Klotter på perrongen;låg;öppen
2026-05-03;;Skadegörelse;Åkarp;Skolan;Krossad ruta;medel;begränsad
2999-01-01;10:00;Klotter;Arlöv;;I framtiden;låg;öppen
2026-05-04;10:00;Okänd kategori;Arlöv;;Text;låg;öppen
2026-05-05;10:00;Klotter;Löberöd;;Fel kommun;låg;öppen
2026-05-06;10:00;Klotter;Arlöv;;Anmäld 811218-9876;låg;öppen
2026-05-07;10:00;Klotter;Arlöv;;;låg;öppen
"""


def upload(client, text, name="handelser.csv", encoding="utf-8"):
    return client.post(
        url("incident-import"),
        {"file": SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_preview_shows_each_rows_errors_and_saves_nothing(
    login, coordinator, categories, arlov, akarp, eslov_area
):
    response = upload(login(coordinator), CSV)
    preview = response.context["preview"]
    assert [r.number for r in preview.valid] == [2, 3]
    errors = {r.number: " ".join(r.errors) for r in preview.invalid}
    assert "future" in errors[4]
    assert "Unknown category" in errors[5]
    assert "not an area of Burlöv" in errors[6]
    assert "personal identity number" in errors[7]
    assert "empty" in errors[8]
    assert Incident.objects.count() == 0


def test_the_valid_rows_are_imported_in_one_go_and_a_reimport_adds_nothing(
    login, coordinator, categories, arlov, akarp
):
    client = login(coordinator)
    upload(client, CSV)
    response = client.post(url("incident-import-confirm"))
    assert response.status_code == 302
    imported = Incident.objects.order_by("occurred_on")
    assert [i.description for i in imported] == ["Klotter på perrongen", "Krossad ruta"]
    assert imported[0].source == Incident.Source.IMPORT
    assert imported[1].is_restricted
    assert imported[1].part_of_day == ""
    assert imported[0].history.count() == 1
    # the same file again (in cp1252, with commas, as Excel may save it)
    again = CSV.replace(";", ",")
    preview = upload(client, again, encoding="cp1252").context["preview"]
    assert preview.valid == []
    assert len(preview.duplicates) == 2
    client.post(url("incident-import-confirm"))
    assert Incident.objects.count() == 2


def test_an_import_without_the_needed_columns_is_refused(login, coordinator):
    response = upload(login(coordinator), "foo;bar\n1;2\n")
    assert "lacks the column" in " ".join(response.context["form"].errors["file"])


def test_confirming_without_a_preview_imports_nothing(login, coordinator):
    response = login(coordinator).post(url("incident-import-confirm"))
    assert response.status_code == 302
    assert Incident.objects.count() == 0


def test_the_import_is_all_or_nothing(login, coordinator, categories, arlov, monkeypatch):
    from situation_reports.services import csv_import

    client = login(coordinator)
    upload(client, CSV)

    def broken(objs, *args, **kwargs):
        objs[0].save()  # one row is written, then the database fails
        raise RuntimeError("database went away")

    monkeypatch.setattr(csv_import, "bulk_create_with_history", broken)
    with pytest.raises(RuntimeError):
        client.post(url("incident-import-confirm"))
    assert Incident.objects.count() == 0
