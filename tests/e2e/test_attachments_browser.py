"""Attachments and photos in the browser (issue 16): the coordinator attaches a document to the
agreement on its page, reads it in the list and downloads it; an incident's photo shows on its
page with alt text. Both pages pass axe-core (WCAG 2.1 AA)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image
from playwright.sync_api import expect

from councils.demo import DEMO_PASSWORD
from councils.models import Agreement, Municipality
from situation_reports.services.categories import ensure_default_categories
from tests.factories import IncidentFactory
from trygghet.attachments import add_photo
from trygghet.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_the_coordinator_attaches_a_document_to_the_agreement(
    page, base_url, login_as, assert_accessible, screenshot, demo_world, tmp_path
):
    demo_world(only=["councils"])
    with scopes_disabled():
        agreement = Agreement.objects.filter(municipality__slug="burlov").first()
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}{agreement.get_absolute_url()}")
    section = page.locator("#attachments")
    section.locator("summary").click()
    section.locator("input[name=title]").fill("Undertecknad överenskommelse")
    document = tmp_path / "överenskommelse.pdf"
    document.write_bytes(PDF)
    section.locator("input[name=file]").set_input_files(str(document))
    section.locator("button[type=submit]").last.click()
    link = page.locator("#attachments a", has_text="Undertecknad överenskommelse")
    expect(link).to_be_visible()
    assert_accessible(page)
    screenshot(page, "agreement-attachments")
    with page.expect_download() as download:
        link.click()
    assert download.value.path().read_bytes() == PDF
    with scopes_disabled():
        assert Attachment.objects.get().agreement_id == agreement.pk


def test_an_incidents_photo_shows_on_its_page_with_alt_text(
    page, base_url, login_as, assert_accessible, screenshot, demo_world
):
    demo_world(only=["councils"])
    ensure_default_categories()
    image = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 90, 160)).save(image, format="JPEG")
    with scopes_disabled():
        incident = IncidentFactory(municipality=Municipality.objects.get(slug="burlov"))
        add_photo(incident, SimpleUploadedFile("bild.jpg", image.getvalue()))
    login_as(page, "burlov.samordnare", DEMO_PASSWORD)
    page.goto(f"{base_url}/burlov/incidents/{incident.pk}/")
    photo = page.locator("img.img-thumbnail").first
    expect(photo).to_be_visible()
    assert photo.get_attribute("alt")
    assert page.evaluate("(img) => img.naturalWidth", photo.element_handle()) == 320
    assert_accessible(page)
    screenshot(page, "incident-photo")
