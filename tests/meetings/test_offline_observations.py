"""A safety walk's observation from a device's offline queue (issue 16): saved once by its key,
with its photo (metadata stripped, the position only with consent), JSON answers."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Kind
from tests.trygghet.test_files import jpeg_with_gps, upload

pytestmark = pytest.mark.django_db

QUEUE = {"HTTP_X_TRYGGHET_QUEUE": "1", "HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.UPLOAD_MAX_PHOTO_BYTES = 5 * 1024 * 1024


@pytest.fixture
def walk(make_meeting):
    return make_meeting(
        kind=Kind.SAFETY_WALK,
        title="Trygghetsvandring Arlöv",
        route="Stationen – torget",
        start=timezone.now() - datetime.timedelta(days=1),
    )


def observation_url(walk):
    return reverse("meetings:observation-add", kwargs={"municipality": "burlov", "pk": walk.pk})


def test_an_observation_is_saved_once_with_its_photo(login, member, seat, walk):
    client = login(member)
    key = str(uuid.uuid4())
    data = {
        "place": "Gångtunneln",
        "category": "lighting",
        "description": "Två lampor trasiga",
        "latitude": "",
        "longitude": "",
        "client_key": key,
        "use_photo_position": "on",
    }
    for expected in (201, 200):
        response = client.post(
            observation_url(walk), {**data, "photo": upload(jpeg_with_gps())}, **QUEUE
        )
        assert response.status_code == expected
        assert response.json()["status"] == "saved"
    observation = walk.observations.get()
    assert observation.client_key == uuid.UUID(key)
    assert round(observation.latitude, 4) == Decimal("55.6377")
    stored = observation.photos.get().file.read()
    assert b"Kamerafabriken" not in stored


def test_a_refused_observation_answers_its_messages(login, member, seat, walk):
    client = login(member)
    response = client.post(
        observation_url(walk),
        {"place": "Torget", "category": "litter", "description": "Skräp", "latitude": "55.6"},
        **QUEUE,
    )
    assert response.status_code == 400
    assert response.json()["status"] == "refused"
    assert not walk.observations.exists()


def test_the_pages_own_post_of_an_observation_gets_its_redirect_as_json(login, member, seat, walk):
    """Lie-fi (issue 16): the page sends the online form itself; the redirect comes as JSON."""
    client = login(member)
    data = {"place": "Gångtunneln", "category": "lighting", "description": "Två lampor trasiga"}
    page_fetch = {"HTTP_X_TRYGGHET_SUBMIT": "1"}
    response = client.post(observation_url(walk), data, **page_fetch)
    assert response.json() == {
        "status": "redirect",
        "url": walk.get_absolute_url() + "#observations",
    }
    assert walk.observations.count() == 1
    refused = client.post(observation_url(walk), {**data, "latitude": "55.6"}, **page_fetch)
    assert refused.status_code == 400 and refused["Content-Type"].startswith("text/html")
