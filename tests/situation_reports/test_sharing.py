"""Sharing beyond the municipality (issue 15): what a municipality shares with a neighbour, its
county or a police area, the regional page that shows it side by side, and an approved
lägesbild shared with named neighbours. Everything not shared stays 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import Body, Organisation
from situation_reports.models import Incident, PublicSummary, ReportShare, Sharing
from situation_reports.services import compiling, sharing, workflow
from tests.access import EVERYONE, MANAGERS, AccessMatrix, Page
from tests.factories import (
    BodyFactory,
    IncidentFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    make_user,
    national_category,
)
from trygghet import access
from trygghet.models import AuditEvent
from trygghet.tenancy import scope, scopes_disabled

pytestmark = pytest.mark.django_db


def months_ago(n, day=10):
    """A day ``n`` full months before this month (1: last month)."""
    first = timezone.localdate().replace(day=1)
    for _i in range(n):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first.replace(day=day)


def incidents(municipality, specs):
    """``specs``: (months ago, category code, restricted) for each incident."""
    made = []
    with scope(municipality=municipality):
        for ago, code, restricted in specs:
            made.append(
                IncidentFactory(
                    municipality=municipality,
                    occurred_on=months_ago(ago),
                    started_at=None,
                    category=code,
                    confidentiality=Incident.Confidentiality.RESTRICTED
                    if restricted
                    else Incident.Confidentiality.OPEN,
                )
            )
    return made


def share(municipality, recipient, *, figures=True, summaries=False, **target):
    with scope(municipality=municipality):
        return sharing.save_sharing(
            Sharing(
                municipality=municipality,
                recipient=recipient,
                figures=figures,
                summaries=summaries,
                **target,
            )
        )


@pytest.fixture
def burlov_incidents(burlov):
    # Last 12 months: 3 vandalism, 1 theft open, 2 restricted (never shared); the 12 before: 2.
    return incidents(
        burlov,
        [
            (1, "vandalism", False),
            (2, "vandalism", False),
            (11, "vandalism", False),
            (3, "theft", False),
            (4, "theft", True),
            (5, "violence", True),
            (13, "theft", False),
            (20, "vandalism", False),
        ],
    )


@pytest.fixture
def eslov_reader(eslov):
    org = OrganisationFactory(
        name="Eslövs kommun",
        kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION,
        municipalities=[eslov],
    )
    return make_user("eslov.samordnare", eslov, access.COORDINATOR, org)


@pytest.fixture
def eslov_company(eslov):
    org = OrganisationFactory(
        name="Vaktbolaget AB", kind=Organisation.Kind.SECURITY_COMPANY, municipalities=[eslov]
    )
    return make_user("eslov.vakt", eslov, access.PARTNER, org)


def region_rows(client):
    response = client.get(reverse("region"))
    assert response.status_code == 200
    return {row["municipality"].slug: row for row in response.context["shown"]["rows"]}


# --- Nothing shared: an island, as before ---------------------------------------------------------


def test_without_a_sharing_a_neighbour_sees_only_itself(login, burlov_incidents, eslov_reader):
    client = login(eslov_reader)
    assert set(region_rows(client)) == {"eslov"}
    assert client.get(reverse("region-municipality", args=["burlov"])).status_code == 404
    assert client.get("/burlov/incidents/").status_code == 404


def test_the_regional_page_asks_for_a_login(client):
    response = client.get(reverse("region"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- Shared with a neighbouring municipality ------------------------------------------------


def test_a_neighbour_reads_the_shared_figures_of_open_incidents_per_1000(
    login, burlov, eslov, burlov_incidents, eslov_reader
):
    share(burlov, Sharing.Recipient.MUNICIPALITY, partner=eslov)
    client = login(eslov_reader)
    rows = region_rows(client)
    assert set(rows) == {"burlov", "eslov"}
    row = rows["burlov"]
    # Open ones only, whoever reads: 4 in the last twelve months, 2 in the twelve before.
    assert row["count"] == 4
    assert row["rate"] == round(4 * 1000 / 20042, 2)
    assert row["previous_rate"] == round(2 * 1000 / 20042, 2)
    assert row["change"] == 100
    assert sum(1 for value in row["monthly"] if value) == 4
    page = client.get(reverse("region-municipality", args=["burlov"]))
    assert page.status_code == 200
    labels = {c["label"]: c["rates"][0] for c in page.context["shown"]["categories"]}
    assert labels[national_category("vandalism").name] == round(3 * 1000 / 20042, 2)
    assert labels[national_category("theft").name] == round(1000 / 20042, 2)
    assert national_category("violence").name not in labels  # only restricted: not there
    # The figures only: no summaries at this level, and every own page of Burlöv stays 404.
    assert page.context["summaries"] == []
    for path in ("/burlov/", "/burlov/incidents/", "/burlov/reports/", "/burlov/sharing/"):
        assert client.get(path).status_code == 404, path


def test_a_private_company_of_the_neighbour_reads_nothing_shared(
    login, burlov, eslov, burlov_incidents, eslov_company
):
    share(burlov, Sharing.Recipient.MUNICIPALITY, partner=eslov, summaries=True)
    client = login(eslov_company)
    assert "burlov" not in region_rows(client)
    assert client.get(reverse("region-municipality", args=["burlov"])).status_code == 404


def test_summaries_are_shared_only_at_that_level(login, burlov, eslov, eslov_reader, coordinator):
    report = approved_report(burlov, coordinator)
    with scope(municipality=burlov):
        PublicSummary.objects.create(
            municipality=burlov,
            title="Sammanfattning 2025",
            text="Tryggare i Arlöv.",
            report=report,
        )
    share(burlov, Sharing.Recipient.MUNICIPALITY, partner=eslov, figures=False, summaries=True)
    client = login(eslov_reader)
    assert "burlov" not in region_rows(client)  # no figures shared
    page = client.get(reverse("region-municipality", args=["burlov"]))
    assert page.status_code == 200
    assert page.context["shown"] is None
    assert "Tryggare i Arlöv." in page.content.decode()


# --- The county, a police area, a regional role ---------------------------------------------------


def test_sharing_with_the_county_reaches_its_municipalities_only(login, burlov, burlov_incidents):
    burlov.county = "Skåne län"
    burlov.save()
    lomma = MunicipalityFactory(name="Lomma", slug="lomma", code="1262", county="Skåne län")
    kiruna = MunicipalityFactory(
        name="Kiruna", slug="kiruna", code="2584", county="Norrbottens län"
    )
    in_county = make_user("lomma.admin", lomma, access.ADMIN)
    elsewhere = make_user("kiruna.admin", kiruna, access.ADMIN)
    share(burlov, Sharing.Recipient.COUNTY)
    assert "burlov" in region_rows(login(in_county))
    assert "burlov" not in region_rows(login(elsewhere))


def test_a_police_area_reads_what_is_shared_with_it_wherever_its_people_work(
    login, burlov, eslov, burlov_incidents, police_org
):
    # A police officer who is a member in Eslöv only, for LPO Kävlinge (which serves both).
    officer = make_user("lpo.analytiker", eslov, access.PARTNER, police_org)
    assert "burlov" not in region_rows(login(officer))
    share(burlov, Sharing.Recipient.ORGANISATION, organisation=police_org)
    rows = region_rows(login(officer))
    assert rows["burlov"]["count"] == 4


def test_a_regional_role_is_granted_and_ended_by_the_municipality(
    login, burlov, burlov_incidents, admin_user
):
    burlov.county = "Skåne län"
    burlov.save()
    share(burlov, Sharing.Recipient.COUNTY)
    coordinator = UserFactory(username="lansstyrelsen", email="samordnare@lansstyrelsen.se")
    reader = login(coordinator)
    assert client_rows(reader) == set()
    admin = login(admin_user)
    response = admin.post(
        reverse("situation_reports:regional-role-grant", args=["burlov"]),
        {"email": "SAMORDNARE@lansstyrelsen.se", "title": "Brottsförebyggande samordnare"},
    )
    assert response.status_code == 302
    reader = login(coordinator)
    assert client_rows(reader) == {"burlov"}
    with scopes_disabled():
        role = coordinator.regional_roles.get()
        assert AuditEvent.objects.filter(
            action="regional_role_granted", person=coordinator
        ).exists()
    login(admin_user).post(reverse("situation_reports:regional-role-end", args=["burlov", role.pk]))
    assert client_rows(login(coordinator)) == set()


def client_rows(client):
    return set(region_rows(client))


# --- The admins' page -----------------------------------------------------------------------------


def test_only_admins_decide_what_is_shared(login, users_by_role):
    url = reverse("situation_reports:sharing", args=["burlov"])
    expected = {"admin": 200, "coordinator": 403, "member": 403, "police_partner": 403}
    expected |= {"company_partner": 403, "outsider": 404}
    for role, user in users_by_role.items():
        assert login(user).get(url).status_code == expected[role], role


def test_an_admin_shares_changes_and_ends_a_sharing_recorded_in_the_audit_trail(
    login, burlov, eslov, admin_user
):
    client = login(admin_user)
    url = reverse("situation_reports:sharing", args=["burlov"])
    response = client.post(url, {"recipient": "municipality", "partner": eslov.pk, "figures": "on"})
    assert response.status_code == 302
    with scope(municipality=burlov):
        made = Sharing.objects.get()
        assert (made.partner, made.figures, made.summaries) == (eslov, True, False)
    # The same recipient twice: a message, no second row.
    again = client.post(url, {"recipient": "municipality", "partner": eslov.pk, "figures": "on"})
    assert again.status_code == 400
    change = reverse("situation_reports:sharing-change", args=["burlov", made.pk])
    client.post(change, {"summaries": "on"})
    with scope(municipality=burlov):
        made.refresh_from_db()
        assert (made.figures, made.summaries) == (False, True)
    client.post(change, {"end": "1"})
    with scope(municipality=burlov):
        assert not Sharing.objects.exists()
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["sharing_changed", "sharing_changed", "sharing_ended"]


def test_a_private_company_or_a_foreign_choice_cannot_be_made_a_recipient(
    login, burlov, admin_user, security_org
):
    client = login(admin_user)
    url = reverse("situation_reports:sharing", args=["burlov"])
    for data in (
        {"recipient": "organisation", "organisation": security_org.pk, "figures": "on"},
        {"recipient": "municipality", "partner": burlov.pk, "figures": "on"},
        {"recipient": "municipality", "partner": "99999999999999999999", "figures": "on"},
        {"recipient": "county", "figures": "on"},  # Burlöv has no county in the tests
        {"recipient": "\x00", "figures": "on"},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
    with scope(municipality=burlov):
        assert not Sharing.objects.exists()


# --- One lägesbild shared with a neighbour -------------------------------------------------


def approved_report(municipality, user):
    body = BodyFactory(
        municipality=municipality, name="Strategiska rådet", kind=Body.Kind.STRATEGIC_COUNCIL
    )
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    with scope(municipality=municipality):
        report = compiling.create_strategic_report(municipality, body, start, end, user=user)
        report = compiling.compile_report(report.pk)
        workflow.submit_for_review(report, user)
        return workflow.approve(report, user)


@pytest.fixture
def lagesbild(burlov, coordinator):
    with scope(municipality=burlov):
        for restricted in (False, True, True):
            IncidentFactory(
                municipality=burlov,
                occurred_on=datetime.date(2025, 6, 1),
                started_at=None,
                category="theft",
                place="Hemlig adress 12",
                confidentiality=Incident.Confidentiality.RESTRICTED
                if restricted
                else Incident.Confidentiality.OPEN,
            )
    return approved_report(burlov, coordinator)


def test_an_approved_lagesbild_is_shared_read_at_its_public_level_and_withdrawn(
    login, burlov, eslov, lagesbild, coordinator, eslov_reader, eslov_company
):
    owner = login(coordinator)
    sharing_url = reverse("situation_reports:report-sharing", args=["burlov", lagesbild.pk])
    assert owner.post(sharing_url, {"partner": eslov.pk}).status_code == 302
    assert owner.post(sharing_url, {"partner": eslov.pk}).status_code == 400  # once
    with scope(municipality=burlov):
        made = ReportShare.objects.get()
    reader = login(eslov_reader)
    listing = reader.get(reverse("situation_reports:shared-list", args=["eslov"]))
    assert lagesbild.display_title in listing.content.decode()
    url = reverse("situation_reports:shared-report", args=["eslov", made.pk])
    page = reader.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    # The public level: one open theft counted, not the two restricted; no place; no forms.
    assert page.context["view"]["incidents"]["period_total"] == 1
    assert "Hemlig adress" not in text
    assert 'method="post"' not in text.split("<main")[1].split("</main>")[0]
    # Not changeable, not shared on: the owner's pages stay 404 to the neighbour.
    for path in (
        lagesbild.get_absolute_url(),
        sharing_url,
        reverse("situation_reports:report-pdf", args=["burlov", lagesbild.pk]),
        f"/eslov/reports/{lagesbild.pk}/sharing/",
    ):
        assert reader.get(path).status_code == 404, path
    assert reader.post(sharing_url, {"partner": eslov.pk}).status_code == 404
    # A private company of Eslöv, and a third municipality, read nothing of it.
    assert login(eslov_company).get(url).status_code == 404
    third = MunicipalityFactory(name="Lund", slug="lund", code="1281")
    stranger = make_user("lund.admin", third, access.ADMIN)
    assert login(stranger).get(f"/lund/shared/{made.pk}/").status_code == 404
    # Withdrawn: 404 from now on, and the record keeps who shared and withdrew it.
    withdraw = reverse(
        "situation_reports:report-share-withdraw", args=["burlov", lagesbild.pk, made.pk]
    )
    assert login(coordinator).post(withdraw).status_code == 302
    assert login(eslov_reader).get(url).status_code == 404
    with scope(municipality=burlov):
        made.refresh_from_db()
        assert made.withdrawn_at is not None and made.withdrawn_by == coordinator
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"report_shared", "report_share_withdrawn"} <= actions
    # Shared again after a withdrawal: a new record beside the old one.
    assert login(coordinator).post(sharing_url, {"partner": eslov.pk}).status_code == 302
    with scope(municipality=burlov):
        assert ReportShare.objects.count() == 2


def test_a_draft_cannot_be_shared(login, burlov, eslov, coordinator):
    body = BodyFactory(
        municipality=burlov, name="Strategiska rådet", kind=Body.Kind.STRATEGIC_COUNCIL
    )
    with scope(municipality=burlov):
        report = compiling.create_strategic_report(
            burlov, body, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), user=coordinator
        )
        compiling.compile_report(report.pk)
    url = reverse("situation_reports:report-sharing", args=["burlov", report.pk])
    assert login(coordinator).post(url, {"partner": eslov.pk}).status_code == 404
    with scope(municipality=burlov):
        assert not ReportShare.objects.exists()


def test_only_managers_share_a_lagesbild(login, lagesbild, users_by_role, eslov):
    url = reverse("situation_reports:report-sharing", args=["burlov", lagesbild.pk])
    expected = {"admin": 200, "coordinator": 200, "member": 403, "police_partner": 403}
    expected |= {"company_partner": 403, "outsider": 404}
    for role, user in users_by_role.items():
        assert login(user).get(url).status_code == expected[role], role


# --- The demo -------------------------------------------------------------------------------------


def test_in_the_demo_lpo_kavlinge_sees_burlov_beside_the_neighbours_that_share(demo_world, client):
    """LPO Kävlinge's officer, a member in Burlöv only, sees Burlöv beside Kävlinge (which
    shares with the police area), Lomma (with the county) and Eslöv (with Burlöv); the
    security company's guard in Burlöv sees none of them; Burlöv reads Eslöv's lägesbild."""
    demo_world()
    client.force_login(UserFactory._meta.model.objects.get(username="burlov.lpo"))
    rows = region_rows(client)
    assert set(rows) == {"burlov", "kavlinge", "lomma", "eslov"}
    assert all(row["count"] > 0 and row["rate"] > 0 for row in rows.values())
    page = client.get(reverse("region"))
    assert b'id="region-categories"' in page.content and b"<svg" in page.content
    shares = page.context["received"]
    assert [(place.slug, [s.municipality.slug for s in items]) for place, items in shares] == [
        ("burlov", ["eslov"])
    ]
    shared = client.get(
        reverse("situation_reports:shared-report", args=["burlov", shares[0][1][0].pk])
    )
    assert shared.status_code == 200
    assert client.get(reverse("region-municipality", args=["lomma"])).status_code == 200
    with scopes_disabled():
        guard = (
            UserFactory._meta.model.objects.filter(
                municipality_memberships__organisation__kind__in=[
                    Organisation.Kind.HOUSING_COMPANY,
                    Organisation.Kind.SECURITY_COMPANY,
                ],
                municipality_memberships__municipality__slug="burlov",
            )
            .distinct()
            .first()
        )
    assert guard is not None
    client.force_login(guard)
    assert set(region_rows(client)) == set()
    assert client.get(reverse("region-municipality", args=["kavlinge"])).status_code == 404


# --- The isolation matrix, for shared and unshared items ----------------------------------------


class TestSharingPages(AccessMatrix):
    """Burlöv's admins decide what it shares; its managers share an approved lägesbild; every
    role of Burlöv but a private company's reads what Eslöv shares with it. The outsider (a
    coordinator of Eslöv) gets 404 for all of Burlöv's pages, and Eslöv's own address finds
    nothing of what Eslöv shared *with Burlöv*."""

    pages = [
        Page("situation_reports:sharing", allowed=frozenset({"admin"})),
        Page(
            "situation_reports:sharing-change",
            obj="sharing",
            allowed=frozenset({"admin"}),
            method="post",
            data={"figures": "on"},
            ok=302,
        ),
        Page("situation_reports:report-sharing", obj="lagesbild", allowed=MANAGERS),
        Page("situation_reports:shared-list", allowed=EVERYONE, statuses={"company_partner": 404}),
        Page(
            "situation_reports:shared-report",
            obj="received",
            allowed=EVERYONE,
            statuses={"company_partner": 404},
        ),
    ]

    @pytest.fixture
    def objects(self, burlov, eslov, coordinator, outsider):
        own = approved_report(burlov, coordinator)
        theirs = approved_report(eslov, outsider)
        with scope(municipality=eslov):
            received = sharing.share_report(theirs, burlov)
        return {
            "sharing": share(burlov, Sharing.Recipient.MUNICIPALITY, partner=eslov),
            "lagesbild": own,
            "received": received,
        }

    def test_a_burlov_object_is_404_through_the_outsiders_own_address(
        self, client, outsider, objects, object_view
    ):
        """The outsider is a coordinator of Eslöv: on an admins' page of Eslöv its role is
        refused (403) before any row is looked up, whatever the id, so nothing of Burlöv's
        row shows; everywhere else, 404."""
        client.force_login(outsider)
        expected = 403 if object_view.allowed == {"admin"} else 404
        assert object_view.ask(client, objects, municipality="eslov").status_code == expected

    def check_allowed(self, page, response, role, objects):
        if page.name == "situation_reports:shared-list":
            assert objects["received"].report.display_title in response.content.decode()


def test_the_regional_page_asks_the_same_number_of_queries_for_two_or_four_municipalities(login):
    """The shares received and the "shown because" texts come in one go, not per municipality."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MunicipalityMembershipFactory

    places = [MunicipalityFactory() for _i in range(4)]
    police = OrganisationFactory(kind=Organisation.Kind.POLICE, municipalities=places)
    officer = make_user("lpo.kavlinge", places[0], access.MEMBER, police)
    for place in places[1:2]:
        MunicipalityMembershipFactory(user=officer, municipality=place, organisation=police)
    client = login(officer)

    def queries():
        client.get(reverse("region"))  # warm caches that are not per page
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("region")).status_code == 200
        return len(captured)

    two = queries()
    for place in places[2:]:
        MunicipalityMembershipFactory(user=officer, municipality=place, organisation=police)
    assert len(region_rows(client)) == 4
    assert queries() == two
