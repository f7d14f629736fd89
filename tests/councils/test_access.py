"""The role × page matrix for every page of the councils app.

anonymous -> login; a member of another municipality -> 404; a role that may not act -> 403;
the roles that may -> 200. Body pages follow body membership: a member or partner reads only
the bodies they sit in (others are 404, as if they did not exist).
"""

import pytest
from django.urls import reverse

from councils.models import Action, Agreement, Body, Membership
from tests.access import EVERYONE, MANAGERS, AccessMatrix, Page

# The member sits in the working group; the partners sit in no body.
NOT_IN_THE_BODY = {"company_partner": 404, "police_partner": 404}


def page(name, obj=None, allowed=EVERYONE, **options):
    return Page(f"councils:{name}", obj=obj, allowed=allowed, **options)


PAGES = [
    page("chart"),
    page("body-detail", "working_group", statuses=NOT_IN_THE_BODY),
    page("body-detail", "preparation", statuses={**NOT_IN_THE_BODY, "member": 404}),
    page("body-create", allowed=MANAGERS),
    page("body-edit", "working_group", allowed=MANAGERS),
    page("membership-create", "working_group", allowed=MANAGERS),
    page("membership-edit", "seat", allowed=MANAGERS),
    page("agreement-list"),
    page("agreement-create", allowed=MANAGERS),
    page("agreement-detail", "agreement"),
    page("agreement-edit", "agreement", allowed=MANAGERS),
    page("agreement-follow-up", "agreement"),
    page("agreement-pdf", "agreement"),
    page("agreement-renew", "agreement", allowed=MANAGERS),
    page("focus-area-create", "agreement", allowed=MANAGERS),
    page("focus-area-edit", "focus_area", allowed=MANAGERS),
    page("goal-create", "focus_area", allowed=MANAGERS),
    page("goal-edit", "goal", allowed=MANAGERS),
    page("measurement-create", "goal", allowed=MANAGERS),
    page("action-create", "focus_area", allowed=MANAGERS),
    page("action-detail", "action"),
    page("action-edit", "action", allowed=MANAGERS),
    # The member leads the action; the partners do not.
    page("action-update-create", "action", allowed=MANAGERS | {"member"}),
    page("promise-create", "agreement", allowed=MANAGERS),
    page("promise-follow-up", "promise", allowed=MANAGERS),
]


class TestEveryCouncilsPage(AccessMatrix):
    pages = PAGES

    @pytest.fixture
    def objects(self, world):
        return world


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


MANAGE_PAGES = [page for page in PAGES if page.allowed == MANAGERS]


@pytest.mark.parametrize("view", MANAGE_PAGES, ids=[view.id for view in MANAGE_PAGES])
@pytest.mark.parametrize(
    "role,status", [("member", 403), ("company_partner", 403), ("outsider", 404)]
)
def test_it_refuses_changes_posted_by_roles_that_may_not_change(
    client, world, users_by_role, view, role, status
):
    def state():
        return [
            list(model.objects.order_by("pk").values())
            for model in (Action, Agreement, Body, Membership)
        ]

    before = state()
    client.force_login(users_by_role[role])
    response = client.post(view.url(world), {"name": "x", "title": "x"})
    assert response.status_code == status
    assert state() == before


def test_a_partner_who_is_not_the_lead_may_not_post_an_update(client, world, police_partner):
    client.force_login(police_partner)
    response = client.post(
        page("action-update-create", "action").url(world),
        {"date": "2026-01-01", "status": "done", "note": "x"},
    )
    assert response.status_code == 403
    assert not world["action"].updates.exists()


def test_a_body_page_names_the_groups_below_but_links_only_readable_ones(
    client, world, member, make_seat
):
    """The member sits in the working group and, here, in the strategic council but not in
    the preparation group: the council's page names it without a link."""
    Membership.objects.create(body=world["strategic"], user=member)
    client.force_login(member)
    html = client.get(world["strategic"].get_absolute_url()).content.decode()
    assert "Beredningsgrupp" in html
    assert world["preparation"].get_absolute_url() not in html
