"""One ``people_of`` for every app: whom a form offers as a seat's holder, an action's lead or a
meeting's action item's owner."""

import datetime

import pytest
from django.utils import timezone

from councils.models import Body, MunicipalityMembership
from councils.selectors import organisations_of, people_of
from meetings.forms import ActionItemForm
from meetings.models import Meeting
from tests.factories import make_user
from trygghet import access

pytestmark = pytest.mark.django_db


@pytest.fixture
def deactivated_role(burlov, municipal_admin_org):
    user = make_user("burlov.left", burlov, access.MEMBER, municipal_admin_org)
    MunicipalityMembership.objects.filter(user=user).update(is_active=False)
    return user


@pytest.fixture
def deactivated_user(burlov, municipal_admin_org):
    user = make_user("burlov.gone", burlov, access.MEMBER, municipal_admin_org)
    user.is_active = False
    user.save()
    return user


def test_it_offers_the_active_people_of_the_municipality_only(
    burlov, users_by_role, deactivated_role, deactivated_user
):
    offered = set(people_of(burlov))
    assert offered == {
        users_by_role[role]
        for role in ("admin", "coordinator", "member", "police_partner", "company_partner")
    }
    assert deactivated_role not in offered and deactivated_user not in offered
    assert users_by_role["outsider"] not in offered


def test_a_meetings_action_item_offers_the_same_people(
    burlov, users_by_role, deactivated_role, deactivated_user
):
    body = Body.objects.create(municipality=burlov, name="Örat", kind=Body.Kind.SITUATION_GROUP)
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = Meeting.objects.create(
        municipality=burlov,
        body=body,
        title="Örat",
        start=start,
        end=start + datetime.timedelta(hours=1),
    )
    owners = ActionItemForm(meeting=meeting).fields["owner"].queryset
    assert list(owners) == list(people_of(burlov))
    assert deactivated_user not in owners


def test_it_offers_the_organisations_that_serve_the_municipality(
    burlov, municipal_admin_org, police_org, security_org, users_by_role
):
    assert list(organisations_of(burlov)) == sorted(
        [municipal_admin_org, police_org, security_org], key=lambda o: o.name
    )
