"""The role × page matrix for every page of the councils app.

anonymous -> login; a member of another municipality -> 404; a role that may not act -> 403;
the roles that may -> 200. Body pages follow body membership: a member or partner reads only
the bodies they sit in (others are 404, as if they did not exist).
"""

import pytest
from django.urls import reverse

from councils.models import Agreement

ROLES = [
    "anonymous",
    "outsider",
    "company_partner",
    "police_partner",
    "member",
    "coordinator",
    "admin",
]

READ_ALL = {
    "outsider": 404,
    "company_partner": 200,
    "police_partner": 200,
    "member": 200,
    "coordinator": 200,
    "admin": 200,
}
MANAGE = {
    "outsider": 404,
    "company_partner": 403,
    "police_partner": 403,
    "member": 403,
    "coordinator": 200,
    "admin": 200,
}
# The member sits in the working group; the partners sit in no body.
BODY_OF_MEMBER = {**READ_ALL, "company_partner": 404, "police_partner": 404}
BODY_NOT_OF_MEMBER = {**BODY_OF_MEMBER, "member": 404}
# The member leads the action; the partners do not.
LEAD_ONLY = {**MANAGE, "member": 200}

PAGES = [
    ("chart", None, READ_ALL),
    ("body-detail", "working_group", BODY_OF_MEMBER),
    ("body-detail", "preparation", BODY_NOT_OF_MEMBER),
    ("body-create", None, MANAGE),
    ("body-edit", "working_group", MANAGE),
    ("membership-create", "working_group", MANAGE),
    ("membership-edit", "seat", MANAGE),
    ("agreement-list", None, READ_ALL),
    ("agreement-create", None, MANAGE),
    ("agreement-detail", "agreement", READ_ALL),
    ("agreement-edit", "agreement", MANAGE),
    ("agreement-follow-up", "agreement", READ_ALL),
    ("agreement-pdf", "agreement", READ_ALL),
    ("agreement-renew", "agreement", MANAGE),
    ("focus-area-create", "agreement", MANAGE),
    ("focus-area-edit", "focus_area", MANAGE),
    ("goal-create", "focus_area", MANAGE),
    ("goal-edit", "goal", MANAGE),
    ("measurement-create", "goal", MANAGE),
    ("action-create", "focus_area", MANAGE),
    ("action-detail", "action", READ_ALL),
    ("action-edit", "action", MANAGE),
    ("action-update-create", "action", LEAD_ONLY),
    ("promise-create", "agreement", MANAGE),
    ("promise-follow-up", "promise", MANAGE),
]


def page_url(world, name, obj_key, slug="burlov"):
    kwargs = {"municipality": slug}
    if obj_key:
        kwargs["pk"] = world[obj_key].pk
    return reverse(f"councils:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name,obj_key,expected", PAGES, ids=[f"{p[0]}:{p[1]}" for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_as_the_matrix_says(
    client, world, users_by_role, name, obj_key, expected, role
):
    url = page_url(world, name, obj_key)
    if role != "anonymous":
        client.force_login(users_by_role[role])
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected[role], (role, url)


@pytest.mark.parametrize(
    "name,obj_key",
    [(p[0], p[1]) for p in PAGES if p[1]],
    ids=[f"{p[0]}:{p[1]}" for p in PAGES if p[1]],
)
def test_it_hides_burlov_rows_behind_eslov_addresses(client, world, outsider, name, obj_key):
    """An Eslöv coordinator who puts a Burlöv id into an Eslöv address finds nothing."""
    client.force_login(outsider)
    assert client.get(page_url(world, name, obj_key, slug="eslov")).status_code == 404


def test_it_hides_draft_agreements_from_members_and_partners(
    client, world, member, company_partner, coordinator
):
    agreement = world["agreement"]
    agreement.status = Agreement.Status.DRAFT
    agreement.save()
    url = agreement.get_absolute_url()
    for user, status in [(member, 404), (company_partner, 404), (coordinator, 200)]:
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(member)
    assert (
        agreement.title
        not in client.get(
            reverse("councils:agreement-list", kwargs={"municipality": "burlov"})
        ).content.decode()
    )


def test_it_shows_every_body_in_the_chart_but_people_only_of_readable_bodies(
    client, world, company_partner, make_seat
):
    """The chart shows the structure to everyone; names of people only where the reader sits."""
    other = make_seat(world["preparation"], "burlov.hemlig", first_name="Hemlig")
    client.force_login(company_partner)
    html = client.get(reverse("councils:chart", kwargs={"municipality": "burlov"})).content.decode()
    assert "Beredningsgrupp" in html
    assert "Arbetsgrupp ungdomar" in html
    assert str(other.user) not in html
    assert world["preparation"].get_absolute_url() not in html


def test_it_shows_the_coordinator_the_people_of_every_body(client, world, coordinator, make_seat):
    other = make_seat(world["preparation"], "burlov.synlig", first_name="Synlig")
    client.force_login(coordinator)
    html = client.get(reverse("councils:chart", kwargs={"municipality": "burlov"})).content.decode()
    assert str(other.user) in html
    assert world["preparation"].get_absolute_url() in html


def test_it_stops_reading_a_body_once_the_membership_has_ended(client, world, member):
    seat = world["seat"]
    seat.start_date = seat.start_date.replace(year=seat.start_date.year - 1)
    seat.end_date = seat.start_date.replace(year=seat.start_date.year + 1)
    seat.save()
    client.force_login(member)
    assert client.get(world["working_group"].get_absolute_url()).status_code == 404


MANAGE_PAGES = [(name, key) for name, key, expected in PAGES if expected is MANAGE]


@pytest.mark.parametrize("name,obj_key", MANAGE_PAGES, ids=[f"{n}:{k}" for n, k in MANAGE_PAGES])
@pytest.mark.parametrize(
    "role,status", [("member", 403), ("company_partner", 403), ("outsider", 404)]
)
def test_it_refuses_changes_posted_by_roles_that_may_not_change(
    client, world, users_by_role, name, obj_key, role, status
):
    from councils.models import Action, Agreement, Body, Membership

    def state():
        return [
            list(model.objects.order_by("pk").values())
            for model in (Action, Agreement, Body, Membership)
        ]

    before = state()
    client.force_login(users_by_role[role])
    response = client.post(page_url(world, name, obj_key), {"name": "x", "title": "x"})
    assert response.status_code == status
    assert state() == before


def test_a_partner_who_is_not_the_lead_may_not_post_an_update(client, world, police_partner):
    client.force_login(police_partner)
    response = client.post(
        page_url(world, "action-update-create", "action"),
        {"date": "2026-01-01", "status": "done", "note": "x"},
    )
    assert response.status_code == 403
    assert not world["action"].updates.exists()


def test_a_body_page_names_the_groups_below_but_links_only_readable_ones(
    client, world, member, make_seat
):
    """The member sits in the working group and, here, in the strategic council but not in
    the preparation group: the council's page names it without a link."""
    from councils.models import Membership

    Membership.objects.create(body=world["strategic"], user=member)
    client.force_login(member)
    html = client.get(world["strategic"].get_absolute_url()).content.decode()
    assert "Beredningsgrupp" in html
    assert world["preparation"].get_absolute_url() not in html
