"""Entries from a device's offline queue (issue 16, trygghet/offline.py): a photo with the
incident or the observation in one transaction, each entry saved once by its key, JSON answers."""

import io
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from situation_reports.models import Incident
from tests.situation_reports.test_incident_form import create_url, post_data
from tests.trygghet.test_files import jpeg_with_gps, upload
from trygghet.models import Photo
from trygghet.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db

QUEUE = {"HTTP_X_TRYGGHET_QUEUE": "1", "HTTP_ACCEPT": "application/json"}
LIMITS = {"UPLOAD_MAX_PHOTO_BYTES": 5 * 1024 * 1024}


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.UPLOAD_MAX_PHOTO_BYTES = LIMITS["UPLOAD_MAX_PHOTO_BYTES"]


def test_an_incident_is_saved_with_its_photo_stripped_of_metadata(login, coordinator, categories):
    client = login(coordinator)
    data = post_data(categories, photo=upload(jpeg_with_gps()))
    response = client.post(create_url(), data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    photo = incident.photos.get()
    stored = photo.file.read()
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
    assert b"Kamerafabriken" not in stored
    # No consent: the photo's position is not used.
    assert incident.latitude is None


def test_the_photos_position_is_used_only_with_consent(login, coordinator, categories):
    client = login(coordinator)
    data = post_data(categories, photo=upload(jpeg_with_gps()), use_photo_position="on")
    client.post(create_url(), data)
    incident = Incident.objects.get()
    assert round(incident.latitude, 4) == Decimal("55.6377")
    assert round(incident.longitude, 4) == Decimal("13.0759")


def test_a_refused_photo_refuses_the_whole_incident(login, coordinator, categories):
    client = login(coordinator)
    broken = upload(b"\xff\xd8\xff\xe0" + b"\x00" * 100, "trasig.jpg")
    response = client.post(create_url(), post_data(categories, photo=broken))
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not Incident.objects.exists()
    assert not Photo.objects.exists()


def test_a_photo_that_is_not_a_photo_is_refused_in_json_from_the_queue(
    login, coordinator, categories
):
    client = login(coordinator)
    pdf = upload(b"%PDF-1.7\n" + b"0" * 100, "bild.jpg")
    response = client.post(
        create_url(), post_data(categories, photo=pdf, client_key=str(uuid.uuid4())), **QUEUE
    )
    assert response.status_code == 400
    answer = response.json()
    assert answer["status"] == "refused"
    assert answer["errors"]["photo"]
    assert not Incident.objects.exists()


def test_the_same_key_twice_saves_one_incident(login, coordinator, categories):
    client = login(coordinator)
    key = str(uuid.uuid4())
    first = client.post(
        create_url(), post_data(categories, client_key=key, photo=upload(jpeg_with_gps())), **QUEUE
    )
    second = client.post(
        create_url(), post_data(categories, client_key=key, photo=upload(jpeg_with_gps())), **QUEUE
    )
    incident = Incident.objects.get()
    assert incident.client_key == uuid.UUID(key)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json() == second.json() == {"status": "saved", "url": incident.get_absolute_url()}
    assert Photo.objects.count() == 1


def test_a_key_someone_else_sent_is_refused_and_saves_nothing(
    login, coordinator, admin_user, outsider, categories
):
    """A device never reuses a key: another person's key in the municipality, or a key held in
    another municipality, is a forged entry. Refused (400), never another's entry nor a 500."""
    key = str(uuid.uuid4())
    assert login(coordinator).post(create_url(), post_data(categories, client_key=key), **QUEUE)
    with scopes_disabled():
        first = Incident.objects.get()
    response = login(admin_user).post(create_url(), post_data(categories, client_key=key), **QUEUE)
    assert response.status_code == 400 and response.json()["status"] == "refused"
    assert first.get_absolute_url() not in response.content.decode()
    eslov = reverse("situation_reports:incident-create", kwargs={"municipality": "eslov"})
    response = login(outsider).post(eslov, post_data(categories, client_key=key), **QUEUE)
    assert response.status_code in (400, 404)
    with scopes_disabled():
        assert Incident.objects.count() == 1


def test_a_queued_entry_skips_the_duplicate_question(login, coordinator, categories):
    client = login(coordinator)
    client.post(create_url(), post_data(categories))
    response = client.post(
        create_url(), post_data(categories, client_key=str(uuid.uuid4())), **QUEUE
    )
    assert response.status_code == 201
    assert Incident.objects.count() == 2


def test_a_personal_identity_number_is_refused_in_the_persons_language(
    login, coordinator, categories
):
    client = login(coordinator)
    data = post_data(
        categories, description="Anmälare 19121212-1212 ringde.", client_key=str(uuid.uuid4())
    )
    response = client.post(create_url(), data, HTTP_ACCEPT_LANGUAGE="sv", **QUEUE)
    assert response.status_code == 400
    assert response.json()["errors"]["description"]
    assert not Incident.objects.exists()


def test_a_queued_entry_without_a_session_is_sent_to_the_login_page(client, categories):
    response = client.post(create_url(), post_data(categories), **QUEUE)
    assert response.status_code == 302
    assert reverse("login") in response.url


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_of_one_key_save_one_incident(coordinator, categories):
    """Two requests in two transactions at once: the unique key decides, both answer saved."""
    key = str(uuid.uuid4())
    barrier = threading.Barrier(2)
    answers = []

    def send():
        client = Client()
        client.force_login(coordinator)
        barrier.wait()
        try:
            answers.append(
                client.post(create_url(), post_data(categories, client_key=key), **QUEUE)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert Incident.objects.filter(client_key=key).count() == 1


def test_the_manifest_and_the_service_worker_are_served_from_the_root(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["icons"]
    worker = client.get("/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    assert b"X-Trygghet-Offline" in worker.content
    assert b"&quot;" not in worker.content  # not escaped as HTML


def test_only_the_empty_incident_form_is_marked_for_the_offline_cache(
    login, coordinator, categories
):
    client = login(coordinator)
    assert client.get(create_url())["X-Trygghet-Offline"] == "form"
    incident_list = reverse("situation_reports:incident-list", kwargs={"municipality": "burlov"})
    assert "X-Trygghet-Offline" not in client.get(incident_list)


PAGE_FETCH = {"HTTP_X_TRYGGHET_SUBMIT": "1", "HTTP_ACCEPT": "application/json, text/html"}


def test_the_pages_own_post_gets_its_redirect_as_json_and_the_message_waits(
    login, coordinator, categories
):
    """Lie-fi (issue 16): the online form is sent by the page's script, which cannot read where
    a redirect goes; the redirect is answered as JSON, the message shows on the next page."""
    client = login(coordinator)
    key = str(uuid.uuid4())
    response = client.post(create_url(), post_data(categories, client_key=key), **PAGE_FETCH)
    incident = Incident.objects.get()
    assert response.status_code == 200
    assert response.json() == {"status": "redirect", "url": incident.get_absolute_url()}
    assert incident.client_key == uuid.UUID(key)
    assert "sparades" in client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="sv").text
    # Sent again from the queue with its key (the answer was lost on the way): saved once.
    again = client.post(create_url(), post_data(categories, client_key=key), **QUEUE)
    assert again.status_code == 200 and Incident.objects.count() == 1
    # "Save and log another": the next form, as JSON too.
    response = client.post(
        create_url(), post_data(categories, save_and_add="1", confirm_duplicate="on"), **PAGE_FETCH
    )
    assert response.json()["url"].startswith(create_url() + "?date=")


def test_the_pages_own_post_that_is_refused_is_the_ordinary_page(login, coordinator, categories):
    client = login(coordinator)
    data = post_data(categories, description="Anmälare 19121212-1212 ringde.")
    response = client.post(create_url(), data, **PAGE_FETCH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["description"]
    # The near-duplicate question is asked as in an ordinary post (unlike the queue's).
    client.post(create_url(), post_data(categories))
    response = client.post(create_url(), post_data(categories), **PAGE_FETCH)
    assert response.status_code == 200 and response.context["form"].show_duplicate_confirmation
    assert Incident.objects.count() == 1


def test_the_pages_own_post_without_a_session_is_still_sent_to_the_login_page(client, categories):
    response = client.post(create_url(), post_data(categories), **PAGE_FETCH)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_the_worker_marks_its_own_answer(client):
    assert b'"X-Trygghet-Worker": "offline"' in client.get("/sw.js").content
