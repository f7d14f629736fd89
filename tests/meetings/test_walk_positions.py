"""Issue 12, point 7: the observation form of a safety walk has a position picker and refuses a
position outside the municipality's outline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import MunicipalityOutline
from meetings.models import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk(make_meeting, burlov):
    MunicipalityOutline.objects.create(
        municipality=burlov,
        geometry={
            "type": "Polygon",
            "coordinates": [[[13.0, 55.6], [13.2, 55.6], [13.2, 55.7], [13.0, 55.7], [13.0, 55.6]]],
        },
    )
    return make_meeting(
        kind=Kind.SAFETY_WALK,
        title="Trygghetsvandring",
        start=timezone.now() - datetime.timedelta(days=1),
    )


def add_url(walk):
    return reverse("meetings:observation-add", kwargs={"municipality": "burlov", "pk": walk.pk})


def test_a_position_outside_the_municipality_is_refused(login, member, seat, walk):
    response = login(member).post(
        add_url(walk),
        {
            "place": "Torget",
            "category": "litter",
            "description": "Skräp",
            "latitude": "59.33",
            "longitude": "18.06",
        },
    )
    assert response.status_code == 400
    assert "utanför Burlöv" in response.content.decode()
    assert not walk.observations.exists()


def test_a_position_inside_is_kept_and_the_page_has_the_picker(login, member, seat, walk):
    client = login(member)
    page = client.get(walk.get_absolute_url()).content.decode()
    assert "data-position-picker" in page and "map_widgets.js" in page
    response = client.post(
        add_url(walk),
        {
            "place": "Torget",
            "category": "litter",
            "description": "Skräp",
            "latitude": "55.65",
            "longitude": "13.1",
        },
    )
    assert response.status_code == 302
    assert walk.observations.count() == 1
