"""Wording and defaults of the councils' forms (issue 12, point 11): the invite form offers the
member role first, a new seat represents the person's own organisation, a goal's source is not
repeated when the indicator already names it."""

import pytest
from django.urls import reverse

from councils.models import Goal, Membership, MunicipalityMembership
from tests.factories import make_user
from trygghet import access


def url(name, **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": "burlov", **kwargs})


@pytest.mark.parametrize("role", ["admin_user", "coordinator"])
def test_the_invite_form_starts_on_the_member_role(login, request, role):
    page = login(request.getfixturevalue(role)).get(url("person-create"))
    form = page.context["form"]
    assert form["role"].value() == MunicipalityMembership.Role.MEMBER
    assert 'value="member" selected' in page.content.decode()


def test_the_seat_form_knows_each_persons_organisation(
    login, coordinator, working_group, police_partner, police_org
):
    page = login(coordinator).get(url("membership-create", pk=working_group.pk))
    html = page.content.decode()
    assert f'value="{police_partner.pk}" data-organisation="{police_org.pk}"' in html
    assert "councils/seat_form.js" in html


def test_a_new_seat_without_an_organisation_represents_the_persons_own(
    login, coordinator, working_group, police_partner, police_org
):
    response = login(coordinator).post(
        url("membership-create", pk=working_group.pk),
        {"user": police_partner.pk, "role": "member", "organisation": "", "start_date": ""},
    )
    assert response.status_code == 302
    seat = Membership.objects.get(body=working_group, user=police_partner)
    assert seat.organisation == police_org


def test_an_organisation_chosen_by_hand_is_kept(
    login, coordinator, working_group, police_partner, municipal_admin_org
):
    login(coordinator).post(
        url("membership-create", pk=working_group.pk),
        {"user": police_partner.pk, "role": "member", "organisation": municipal_admin_org.pk},
    )
    seat = Membership.objects.get(body=working_group, user=police_partner)
    assert seat.organisation == municipal_admin_org


def test_a_person_without_an_organisation_gets_a_seat_without_one(
    login, coordinator, working_group, burlov
):
    loner = make_user("burlov.loner", burlov, access.MEMBER, None)
    login(coordinator).post(
        url("membership-create", pk=working_group.pk), {"user": loner.pk, "role": "member"}
    )
    assert Membership.objects.get(body=working_group, user=loner).organisation is None


def test_editing_a_seat_may_clear_its_organisation(login, coordinator, working_group, member):
    seat = Membership.objects.get(body=working_group, user=member)
    login(coordinator).post(url("membership-edit", pk=seat.pk), {"role": seat.role})
    seat.refresh_from_db()
    assert seat.organisation is None


def test_an_outsider_cannot_add_a_seat(login, outsider, working_group, police_partner):
    response = login(outsider).post(
        url("membership-create", pk=working_group.pk), {"user": police_partner.pk}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=police_partner).exists()


@pytest.mark.parametrize(
    ("indicator", "source", "shown"),
    [
        ("Andel elever i åk 9 (CAN)", "CAN", ""),
        ("Andel elever i åk 9 (can)", "CAN", ""),
        ("Andel elever i åk 9", "CAN", "CAN"),
        ("Kandidater i åk 9", "CAN", "CAN"),  # a word that holds the letters is no mention
        ("Anmälda brott", "", ""),
    ],
)
def test_a_goal_shows_its_source_once(indicator, source, shown):
    assert Goal(indicator=indicator, source=source).source_to_show == shown


def test_the_agreement_page_does_not_repeat_the_source(login, member, goal, agreement):
    goal.source = "CAN"
    goal.save()
    page = login(member).get(agreement.get_absolute_url()).content.decode()
    assert "(CAN)" in page
    assert "(CAN) (CAN)" not in page
    assert '(CAN) <span class="small">(CAN)' not in page
