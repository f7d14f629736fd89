"""A small Burlöv world for the councils tests: three bodies in a chain (strategic council,
preparation group, working group), the member sitting in the working group, and an active
agreement with one focus area, goal, action (led by the member) and citizen promise."""

import datetime

import pytest
from django.utils import timezone

from councils.models import (
    Action,
    Agreement,
    Body,
    CitizenPromise,
    FocusArea,
    Goal,
    Membership,
)
from tests.factories import BodyFactory, MembershipFactory, make_user
from trygghet import access

TODAY = timezone.localdate


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def strategic(burlov):
    return BodyFactory(
        municipality=burlov, name="Strategiskt råd", kind=Body.Kind.STRATEGIC_COUNCIL
    )


@pytest.fixture
def preparation(burlov, strategic):
    return BodyFactory(
        municipality=burlov,
        name="Beredningsgrupp",
        kind=Body.Kind.PREPARATION_GROUP,
        parent=strategic,
    )


@pytest.fixture
def working_group(burlov, preparation, member, municipal_admin_org):
    group = BodyFactory(
        municipality=burlov,
        name="Arbetsgrupp ungdomar",
        kind=Body.Kind.WORKING_GROUP,
        parent=preparation,
        mandate="Insatser mot ungdomsbrottslighet.",
    )
    MembershipFactory(
        body=group,
        user=member,
        role=Membership.Role.CHAIR,
        organisation=municipal_admin_org,
        start_date=days(-100),
    )
    return group


@pytest.fixture
def agreement(burlov, police_org, strategic):
    return Agreement.objects.create(
        municipality=burlov,
        title="Samverkansöverenskommelse Burlöv",
        police_area=police_org,
        start_date=days(-400),
        end_date=days(700),
        status=Agreement.Status.ACTIVE,
        steering_body=strategic,
    )


@pytest.fixture
def focus_area(agreement):
    return FocusArea.objects.create(
        agreement=agreement, title="Ungdomsbrottslighet och droger", causes="Tidig debut."
    )


@pytest.fixture
def goal(focus_area):
    return Goal.objects.create(
        focus_area=focus_area,
        title="Färre unga som använt narkotika",
        indicator="Andel elever i åk 9 (CAN)",
        unit="%",
        baseline="8.0",
        target="5.0",
        target_date=days(700),
    )


@pytest.fixture
def action(focus_area, working_group, member, municipal_admin_org):
    return Action.objects.create(
        focus_area=focus_area,
        title="Föräldravandringar i Arlöv",
        responsible_organisation=municipal_admin_org,
        working_group=working_group,
        lead=member,
        start_date=days(-30),
        due_date=days(200),
        status=Action.Status.ONGOING,
    )


@pytest.fixture
def promise(agreement):
    return CitizenPromise.objects.create(agreement=agreement, title="Vi syns i Arlöv centrum")


@pytest.fixture
def world(users_by_role, working_group, agreement, focus_area, goal, action, promise):
    return {
        "strategic": working_group.parent.parent,
        "preparation": working_group.parent,
        "working_group": working_group,
        "seat": working_group.memberships.get(),
        "agreement": agreement,
        "focus_area": focus_area,
        "goal": goal,
        "action": action,
        "promise": promise,
    }


@pytest.fixture
def make_seat(burlov, municipal_admin_org):
    """``make_seat(body, username)``: a new Burlöv member sitting in ``body`` from today."""

    def _make(body, username, role=Membership.Role.MEMBER, **extra):
        user = make_user(username, burlov, access.MEMBER, municipal_admin_org, **extra)
        return MembershipFactory(
            body=body, user=user, role=role, organisation=municipal_admin_org, start_date=TODAY()
        )

    return _make
