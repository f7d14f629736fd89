import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.map_layers import observation_features
from meetings.models import Kind, Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk(make_meeting):
    return make_meeting(
        kind=Kind.SAFETY_WALK,
        title="Trygghetsvandring Arlöv",
        route="Stationen – torget",
        start=timezone.now() - datetime.timedelta(days=1),
    )


def test_a_participant_records_an_observation_with_a_position(login, member, seat, walk):
    client = login(member)
    response = client.post(
        reverse("meetings:observation-add", kwargs={"municipality": "burlov", "pk": walk.pk}),
        {
            "place": "Gångtunneln",
            "category": "lighting",
            "description": "Två lampor trasiga",
            "latitude": "55.63770",
            "longitude": "13.07580",
        },
    )
    assert response.status_code == 302
    observation = walk.observations.get()
    assert observation.municipality == walk.municipality
    assert observation.latitude == Decimal("55.63770")


def test_half_a_position_is_refused_and_nothing_saved(login, member, seat, walk):
    client = login(member)
    response = client.post(
        reverse("meetings:observation-add", kwargs={"municipality": "burlov", "pk": walk.pk}),
        {"place": "Torget", "category": "litter", "description": "Skräp", "latitude": "55.6"},
    )
    assert response.status_code == 400
    assert not walk.observations.exists()


def test_an_observation_becomes_an_action_item_for_an_organisation(
    login, coordinator, walk, municipal_admin_org
):
    observation = Observation.objects.create(
        municipality=walk.municipality,
        meeting=walk,
        place="Parken",
        category="vegetation",
        description="Buskar skymmer",
    )
    client = login(coordinator)
    client.post(
        reverse(
            "meetings:observation-action",
            kwargs={"municipality": "burlov", "pk": walk.pk, "obs_pk": observation.pk},
        ),
        {"owner_organisation": municipal_admin_org.pk, "due_date": "2030-01-31"},
    )
    observation.refresh_from_db()
    action = observation.action_item
    assert action.owner_organisation == municipal_admin_org
    assert action.body == walk.body and "Buskar skymmer" in action.what
    services.set_action_status(action, "done")
    observation.refresh_from_db()
    assert observation.status == Observation.Status.RESOLVED


def test_open_observations_with_a_position_are_map_features_for_those_who_may_see_them(
    walk, coordinator, member, seat, company_partner, outsider
):
    Observation.objects.create(
        municipality=walk.municipality,
        meeting=walk,
        place="Tunneln",
        category="lighting",
        description="Mörkt",
        latitude=Decimal("55.6377"),
        longitude=Decimal("13.0758"),
    )
    Observation.objects.create(
        municipality=walk.municipality,
        meeting=walk,
        place="Utan position",
        category="litter",
        description="Skräp",
    )
    Observation.objects.create(
        municipality=walk.municipality,
        meeting=walk,
        place="Åtgärdad",
        category="litter",
        description="Skräp",
        latitude=Decimal("55.6"),
        longitude=Decimal("13.0"),
        status="resolved",
    )
    features = observation_features(coordinator.municipality_memberships.get())
    assert [f["properties"]["place"] for f in features] == ["Tunneln"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [13.0758, 55.6377]}
    assert len(observation_features(member.municipality_memberships.get())) == 1
    assert observation_features(company_partner.municipality_memberships.get()) == []
    assert observation_features(outsider.municipality_memberships.get()) == []


def test_the_walk_page_shows_route_and_observations(login, coordinator, walk):
    Observation.objects.create(
        municipality=walk.municipality,
        meeting=walk,
        place="Tunneln",
        category="lighting",
        description="Mörkt",
    )
    response = login(coordinator).get(walk.get_absolute_url())
    body = response.content.decode()
    assert "Stationen – torget" in body and "Tunneln" in body


def test_open_observations_of_earlier_walks_come_to_the_bodys_next_agenda(walk, make_meeting):
    Observation.objects.create(
        municipality=walk.municipality,
        meeting=walk,
        place="Tunneln",
        category="lighting",
        description="Mörkt",
    )
    resolved = Observation.objects.create(
        municipality=walk.municipality,
        meeting=walk,
        place="Torget",
        category="litter",
        description="Skräp",
        status="resolved",
    )
    meeting = make_meeting(start=timezone.now() + datetime.timedelta(days=3))
    services.fill_agenda(meeting)
    item = meeting.agenda_items.get(source_key="walks:open")
    assert "Tunneln" in item.description and resolved.place not in item.description
