"""The lägesbild (operational and strategic), the minutes and the agreement are tagged PDF/UA
with the document language of the reader, and their file names follow the language (issue 12,
point 12)."""

import re
import subprocess
import zlib

import pytest
from django.urls import reverse

from councils.models import Agreement, User
from meetings.models import Meeting
from situation_reports.models import SituationReport


def pdf_info(tmp_path, content):
    """pdfinfo's fields of the PDF ("Tagged", "Title", ...)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pairs = (line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def document_languages(content):
    """Every /Lang of the PDF: the catalogue sits in a compressed object stream."""
    found = re.findall(rb"/Lang\s*\(([^)]*)\)", content)
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            found += re.findall(rb"/Lang\s*\(([^)]*)\)", zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return {language.decode() for language in found}


@pytest.fixture
def world(demo_world, client):
    demo_world()
    client.force_login(User.objects.get(username="burlov.samordnare"))
    return client


def documents():
    approved = SituationReport.objects.filter(
        municipality__slug="burlov", status=SituationReport.Status.APPROVED
    )
    report = approved.operational().first()
    strategic = approved.strategic().first()
    follow_up = approved.follow_ups().first()
    meeting = Meeting.objects.filter(
        municipality__slug="burlov", minutes_versions__isnull=False
    ).first()
    agreement = Agreement.objects.filter(municipality__slug="burlov").first()
    kwargs = {"municipality": "burlov"}
    return {
        "report": reverse("situation_reports:report-pdf", kwargs={**kwargs, "pk": report.pk}),
        "strategic": reverse("situation_reports:report-pdf", kwargs={**kwargs, "pk": strategic.pk}),
        "follow_up": reverse("situation_reports:report-pdf", kwargs={**kwargs, "pk": follow_up.pk}),
        "minutes": reverse("meetings:minutes-pdf", kwargs={**kwargs, "pk": meeting.pk}),
        "agreement": reverse("councils:agreement-pdf", kwargs={**kwargs, "pk": agreement.pk}),
    }


NAMES = {
    "sv": {
        "report": "lagesbild-burlov-",
        "strategic": "strategisk-lagesbild-burlov-",
        "follow_up": "uppfoljning-atgardsplan-burlov-",
        "minutes": "protokoll-",
        "agreement": "overenskommelse-",
    },
    "en": {
        "report": "situation-report-burlov-",
        "strategic": "strategic-situation-report-burlov-",
        "follow_up": "action-plan-follow-up-burlov-",
        "minutes": "minutes-",
        "agreement": "agreement-",
    },
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_pdf_is_tagged_in_the_readers_language(world, tmp_path, language):
    for kind, url in documents().items():
        response = world.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, kind
        info = pdf_info(tmp_path, response.content)
        assert info["Tagged"] == "yes", kind
        assert info["Title"], kind
        assert document_languages(response.content) == {language}, kind
        name = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
        assert name.startswith(NAMES[language][kind]), (kind, name)
        assert name.endswith(".pdf")
