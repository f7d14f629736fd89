"""The municipal administration pages: a municipality's own admins and coordinators manage its
people and organisations (the Django admin is for the installation's operators only)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from councils.models import MunicipalityMembership, Organisation, User
from councils.services import people
from tests.access import MANAGERS, AccessMatrix, Page
from tests.factories import make_user
from trygghet import access
from trygghet.tenancy import municipality_scope

pytestmark = pytest.mark.django_db


def url(name, municipality="burlov", **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": municipality, **kwargs})


def new_person(organisation, **extra):
    return {
        "first_name": "Sara",
        "last_name": "Lind",
        "email": "sara.lind@polisen.se",
        "role": access.PARTNER,
        "organisation": organisation.pk,
        "title": "Kommunpolis",
        **extra,
    }


# --- Access: the role x page matrix ---------------------------------------------------------


def page(name, obj=None):
    return Page(f"councils:{name}", obj=obj, allowed=MANAGERS)


class TestThePeopleAndOrganisationPages(AccessMatrix):
    """Only the managers of the municipality keep its people and organisations."""

    pages = [
        page("people-list"),
        page("person-create"),
        page("organisation-list"),
        page("organisation-create"),
        page("person-edit", "person"),
        page("organisation-edit", "organisation"),
    ]

    @pytest.fixture
    def objects(self, users_by_role, security_org):
        return {
            "person": users_by_role["company_partner"].municipality_memberships.get(),
            "organisation": security_org,
        }


def test_it_answers_404_for_a_person_of_another_municipality(login, admin_user, outsider):
    other = outsider.municipality_memberships.get()
    assert login(admin_user).get(url("person-edit", pk=other.pk)).status_code == 404


def test_it_answers_404_for_an_organisation_that_does_not_serve_the_municipality(
    login, admin_user, outsider
):
    eslov_org = Organisation.objects.get(name="Eslövs kommun")
    assert login(admin_user).get(url("organisation-edit", pk=eslov_org.pk)).status_code == 404


# --- The list -------------------------------------------------------------------------------


def test_it_lists_the_people_of_the_municipality_only(login, users_by_role):
    response = login(users_by_role["admin"]).get(url("people-list"))
    content = response.content.decode()
    assert "burlov.police@example.org" in content
    assert "Trygghetsbolaget AB" in content
    assert "eslov.coordinator@example.org" not in content


def test_it_filters_by_role_organisation_and_active(login, users_by_role, police_org):
    police = users_by_role["police_partner"].municipality_memberships.get()
    police.is_active = False
    police.save()
    client = login(users_by_role["admin"])

    def emails(**params):
        rows = client.get(url("people-list"), params).context["rows"]
        return {row.user.email for row in rows}

    assert emails(role=access.PARTNER) == {"burlov.police@example.org", "burlov.guard@example.org"}
    assert emails(organisation=police_org.pk) == {"burlov.police@example.org"}
    assert emails(active="no") == {"burlov.police@example.org"}
    assert "burlov.police@example.org" not in emails(active="yes")


def test_it_lists_people_with_a_constant_number_of_queries(
    login, users_by_role, burlov, municipal_admin_org, django_assert_num_queries
):
    client = login(users_by_role["admin"])

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("people-list"))
        return len(ctx.captured_queries), len(response.context["rows"])

    small, small_rows = count()
    for i in range(20):
        make_user(f"extra{i}", burlov, access.MEMBER, municipal_admin_org)
    large, large_rows = count()
    assert large_rows == small_rows + 20
    assert large == small
    with django_assert_num_queries(small):
        client.get(url("people-list"))


def test_it_lists_organisations_with_a_constant_number_of_queries(
    login, users_by_role, burlov, eslov
):
    client = login(users_by_role["admin"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url("organisation-list"))
    for i in range(15):
        org = Organisation.objects.create(name=f"Förening {i}", kind=Organisation.Kind.ASSOCIATION)
        org.municipalities.add(burlov, eslov)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url("organisation-list"))
    assert len(response.context["organisations"]) >= 18
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Adding a person ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_adds_a_new_person_and_invites_them_once_after_commit(
    client, admin_user, police_org, burlov, eager_celery
):
    client.force_login(admin_user)
    response = client.post(url("person-create"), new_person(police_org), follow=True)
    assert response.status_code == 200
    user = User.objects.get(email="sara.lind@polisen.se")
    assert user.username == "sara.lind@polisen.se"
    assert not user.has_usable_password()
    membership = user.municipality_memberships.get()
    assert (
        membership.municipality,
        membership.role,
        membership.organisation,
        membership.title,
    ) == (
        burlov,
        access.PARTNER,
        police_org,
        "Kommunpolis",
    )
    assert "inbjudan" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sara.lind@polisen.se"]
    assert "Burlöv" in message.subject

    # The link is Django's standard reset link: follow it and choose a password.
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)
    client.logout()
    response = client.get(link, follow=True)
    assert response.status_code == 200
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "ett-långt-lösenord-42", "new_password2": "ett-långt-lösenord-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ett-långt-lösenord-42")
    # The link works once only.
    assert client.get(link, follow=True).context["validlink"] is False


def test_it_sends_the_invitation_only_when_the_transaction_commits(
    admin_user, police_org, burlov, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        people.add_person(
            burlov,
            first_name="Sara",
            last_name="Lind",
            email="sara@example.org",
            role=access.MEMBER,
            organisation=police_org,
            domain="testserver",
        )
        assert mail.outbox == []  # nothing inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["sara@example.org"]]


def test_it_attaches_a_role_to_an_existing_account_instead_of_a_duplicate(
    login, admin_user, outsider, police_org
):
    # An Eslöv user (e.g. a police officer in both municipalities), e-mail in another case.
    response = login(admin_user).post(
        url("person-create"),
        new_person(police_org, email="ESLOV.Coordinator@example.org", first_name="X"),
        follow=True,
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="eslov.coordinator@example.org").count() == 1
    assert set(outsider.municipality_memberships.values_list("municipality__slug", flat=True)) == {
        "burlov",
        "eslov",
    }
    outsider.refresh_from_db()
    assert outsider.first_name == "Coordinator"  # the existing account is not changed
    assert "fanns redan" in response.content.decode()
    assert mail.outbox == []


def test_it_refuses_a_person_who_already_has_a_role_here(login, admin_user, member, police_org):
    response = login(admin_user).post(
        url("person-create"), new_person(police_org, email="Burlov.Member@example.org")
    )
    assert response.status_code == 400
    assert "redan en roll i kommunen (kanske inaktiv)" in response.content.decode()
    assert member.municipality_memberships.count() == 1


def test_it_refuses_an_organisation_that_does_not_serve_the_municipality(
    login, admin_user, outsider
):
    eslov_org = Organisation.objects.get(name="Eslövs kommun")
    response = login(admin_user).post(url("person-create"), new_person(eslov_org))
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not User.objects.filter(email="sara.lind@polisen.se").exists()


@pytest.mark.parametrize(
    "field, value", [("email", "inte-en-adress"), ("first_name", ""), ("role", "")]
)
def test_it_saves_nothing_on_bad_input(login, admin_user, police_org, field, value):
    response = login(admin_user).post(
        url("person-create"), new_person(police_org, **{field: value})
    )
    assert response.status_code == 400
    assert "Inget sparades" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize("role", [access.ADMIN, access.COORDINATOR])
def test_a_coordinator_cannot_create_admins_or_coordinators(login, coordinator, police_org, role):
    response = login(coordinator).post(url("person-create"), new_person(police_org, role=role))
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not User.objects.filter(email="sara.lind@polisen.se").exists()


def test_a_coordinator_may_add_a_partner(login, coordinator, security_org):
    response = login(coordinator).post(url("person-create"), new_person(security_org))
    assert response.status_code == 302
    assert User.objects.get(email="sara.lind@polisen.se").municipality_memberships.get().role == (
        access.PARTNER
    )


def test_usernames_derived_from_the_e_mail_never_clash(burlov, police_org):
    User.objects.create_user(username="sara@example.org", email="other@example.org")
    membership, created = people.add_person(
        burlov,
        first_name="Sara",
        last_name="L",
        email="Sara@Example.org",
        role=access.MEMBER,
        organisation=police_org,
        domain="testserver",
    )
    assert created
    assert membership.user.username == "sara@example.org-2"


# --- Changing a person ----------------------------------------------------------------------


def edit_data(membership, **extra):
    return {
        "role": membership.role,
        "organisation": membership.organisation_id,
        "title": membership.title,
        "is_active": "on" if membership.is_active else "",
        **extra,
    }


def test_an_admin_changes_role_organisation_and_title(login, admin_user, member, police_org):
    target = member.municipality_memberships.get()
    response = login(admin_user).post(
        url("person-edit", pk=target.pk),
        edit_data(target, role=access.COORDINATOR, organisation=police_org.pk, title="Samordnare"),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.organisation, target.title) == (
        access.COORDINATOR,
        police_org,
        "Samordnare",
    )


def test_deactivating_keeps_the_row_and_closes_the_municipality(login, admin_user, member):
    target = member.municipality_memberships.get()
    response = login(admin_user).post(
        url("person-edit", pk=target.pk), edit_data(target, is_active="")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_active is False
    assert (
        login(member).get(reverse("dashboard", kwargs={"municipality": "burlov"})).status_code
        == 404
    )


def test_a_coordinator_may_change_members_and_partners(login, coordinator, company_partner):
    target = company_partner.municipality_memberships.get()
    response = login(coordinator).post(
        url("person-edit", pk=target.pk), edit_data(target, role=access.MEMBER)
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == access.MEMBER


def test_a_coordinator_cannot_promote_a_member(login, coordinator, member):
    target = member.municipality_memberships.get()
    response = login(coordinator).post(
        url("person-edit", pk=target.pk), edit_data(target, role=access.ADMIN)
    )
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.role == access.MEMBER


@pytest.mark.parametrize("fixture", ["admin_user", "coordinator"])
def test_a_coordinator_cannot_change_admins_or_coordinators(request, login, coordinator, fixture):
    target = request.getfixturevalue(fixture).municipality_memberships.get()
    if fixture == "coordinator":  # another coordinator
        target = make_user(
            "burlov.coordinator2", target.municipality, access.COORDINATOR, target.organisation
        ).municipality_memberships.get()
    client = login(coordinator)
    assert client.get(url("person-edit", pk=target.pk)).status_code == 403
    assert (
        client.post(url("person-edit", pk=target.pk), edit_data(target, is_active="")).status_code
        == 403
    )
    target.refresh_from_db()
    assert target.is_active


def test_an_admin_cannot_demote_themselves(login, admin_user, burlov, municipal_admin_org):
    make_user("burlov.admin2", burlov, access.ADMIN, municipal_admin_org)  # not the last one
    own = admin_user.municipality_memberships.get()
    response = login(admin_user).post(
        url("person-edit", pk=own.pk), edit_data(own, role=access.MEMBER)
    )
    assert response.status_code == 400
    assert "Du kan inte ändra din egen roll" in response.content.decode()
    own.refresh_from_db()
    assert own.role == access.ADMIN


def test_an_admin_cannot_deactivate_themselves(login, admin_user, burlov, municipal_admin_org):
    make_user("burlov.admin2", burlov, access.ADMIN, municipal_admin_org)
    own = admin_user.municipality_memberships.get()
    response = login(admin_user).post(url("person-edit", pk=own.pk), edit_data(own, is_active=""))
    assert response.status_code == 400
    assert "Du kan inte inaktivera dig själv" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active


def test_an_admin_may_change_their_own_title(login, admin_user):
    own = admin_user.municipality_memberships.get()
    response = login(admin_user).post(url("person-edit", pk=own.pk), edit_data(own, title="Chef"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Chef"


@pytest.mark.parametrize("change", [{"role": access.COORDINATOR}, {"is_active": ""}])
def test_the_last_admin_of_a_municipality_cannot_be_removed(client, admin_user, burlov, change):
    # A superuser (the installation's operator) acts as admin without a membership.
    operator = User.objects.create_superuser("operator", "op@example.org", "x")
    client.force_login(operator)
    target = admin_user.municipality_memberships.get()
    response = client.post(url("person-edit", pk=target.pk), edit_data(target, **change))
    assert response.status_code == 400
    assert "enda administratör" in response.content.decode()
    target.refresh_from_db()
    assert (target.role, target.is_active) == (access.ADMIN, True)


def test_an_admin_may_be_removed_when_another_remains(
    login, admin_user, burlov, municipal_admin_org
):
    other = make_user("burlov.admin2", burlov, access.ADMIN, municipal_admin_org)
    target = other.municipality_memberships.get()
    response = login(admin_user).post(
        url("person-edit", pk=target.pk), edit_data(target, is_active="")
    )
    assert response.status_code == 302
    assert people.admin_count(burlov) == 1


# --- Organisations --------------------------------------------------------------------------


def test_it_creates_an_organisation_for_the_municipality(login, coordinator, burlov):
    response = login(coordinator).post(
        url("organisation-create"),
        {
            "name": "Vaktbolaget AB",
            "short_name": "Vakt",
            "kind": Organisation.Kind.SECURITY_COMPANY,
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Vaktbolaget AB")
    assert list(org.municipalities.all()) == [burlov]


def test_it_attaches_an_organisation_of_an_existing_name(login, admin_user, burlov, eslov):
    rescue = Organisation.objects.create(
        name="Räddningstjänsten Syd", kind=Organisation.Kind.RESCUE_SERVICE
    )
    rescue.municipalities.add(eslov)
    response = login(admin_user).post(
        url("organisation-create"),
        {"name": "räddningstjänsten syd", "short_name": "", "kind": Organisation.Kind.OTHER},
        follow=True,
    )
    assert response.status_code == 200
    assert Organisation.objects.filter(name__iexact="Räddningstjänsten Syd").count() == 1
    rescue.refresh_from_db()
    assert rescue.kind == Organisation.Kind.RESCUE_SERVICE  # unchanged
    assert set(rescue.municipalities.all()) == {burlov, eslov}
    assert "fanns redan" in response.content.decode()


def test_it_attaches_an_organisation_typed_exactly_as_it_is_named_elsewhere(
    login, coordinator, burlov, eslov
):
    # Names are unique across municipalities (one row per organisation, serving several):
    # typing the exact name must attach it, not fail on the unique constraint.
    company = Organisation.objects.create(
        name="Trygghetsbolaget Syd AB", kind=Organisation.Kind.SECURITY_COMPANY
    )
    company.municipalities.add(eslov)
    response = login(coordinator).post(
        url("organisation-create"),
        {"name": "Trygghetsbolaget Syd AB", "short_name": "", "kind": company.kind},
        follow=True,
    )
    assert response.status_code == 200
    assert "fanns redan" in response.content.decode()
    assert Organisation.objects.filter(name="Trygghetsbolaget Syd AB").count() == 1
    assert set(company.municipalities.all()) == {burlov, eslov}


def test_a_coordinator_cannot_attach_a_public_authority_of_another_municipality(
    login, coordinator, burlov, eslov
):
    # Its people would read restricted incidents: only an admin adds a public authority, by
    # kind (the form) or by name (attaching an existing one), whatever the case of the name.
    police = Organisation.objects.create(name="Polisen LPO Eslöv", kind=Organisation.Kind.POLICE)
    police.municipalities.add(eslov)
    client = login(coordinator)
    for name in ("Polisen LPO Eslöv", "polisen lpo eslöv"):
        response = client.post(
            url("organisation-create"),
            {"name": name, "short_name": "", "kind": Organisation.Kind.OTHER},
        )
        assert response.status_code == 400
        assert "bara en administratör lägger till den i kommunen" in response.content.decode()
    assert list(police.municipalities.all()) == [eslov]


def test_an_admin_attaches_a_public_authority_of_another_municipality(
    login, admin_user, burlov, eslov
):
    police = Organisation.objects.create(name="Polisen LPO Eslöv", kind=Organisation.Kind.POLICE)
    police.municipalities.add(eslov)
    response = login(admin_user).post(
        url("organisation-create"),
        {"name": "Polisen LPO Eslöv", "short_name": "", "kind": Organisation.Kind.POLICE},
    )
    assert response.status_code == 302
    assert set(police.municipalities.all()) == {burlov, eslov}


def test_it_refuses_an_organisation_already_serving_the_municipality(login, admin_user, police_org):
    response = login(admin_user).post(
        url("organisation-create"),
        {"name": police_org.name.upper(), "short_name": "", "kind": Organisation.Kind.POLICE},
    )
    assert response.status_code == 400
    assert "arbetar redan i kommunen" in response.content.decode()


def test_it_refuses_an_organisation_without_name_or_kind(login, admin_user):
    before = Organisation.objects.count()
    response = login(admin_user).post(url("organisation-create"), {"name": "", "kind": ""})
    assert response.status_code == 400
    assert "Inget sparades" in response.content.decode()
    assert Organisation.objects.count() == before


def test_it_edits_an_organisation_serving_only_this_municipality(login, admin_user, security_org):
    response = login(admin_user).post(
        url("organisation-edit", pk=security_org.pk),
        {"name": "Trygghetsbolaget Syd AB", "short_name": "TB", "kind": security_org.kind},
    )
    assert response.status_code == 302
    security_org.refresh_from_db()
    assert (security_org.name, security_org.short_name) == ("Trygghetsbolaget Syd AB", "TB")


def test_it_refuses_to_rename_an_organisation_to_another_s_name(
    login, admin_user, security_org, police_org
):
    response = login(admin_user).post(
        url("organisation-edit", pk=security_org.pk),
        {"name": police_org.name.lower(), "short_name": "", "kind": security_org.kind},
    )
    assert response.status_code == 400
    assert "En annan organisation har redan det namnet" in response.content.decode()
    security_org.refresh_from_db()
    assert security_org.name == "Trygghetsbolaget AB"


def test_it_explains_why_a_shared_organisation_is_not_editable(login, admin_user, police_org):
    client = login(admin_user)
    response = client.get(url("organisation-edit", pk=police_org.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert "andra kommuner" in content and "Eslöv" in content
    assert '<form method="post"' not in content.split("<main")[1]
    response = client.post(
        url("organisation-edit", pk=police_org.pk),
        {"name": "Omdöpt", "short_name": "", "kind": police_org.kind},
    )
    assert response.status_code == 403
    police_org.refresh_from_db()
    assert police_org.name == "Polisen LPO Kävlinge"


def test_the_user_menu_links_managers_to_the_administration_pages(login, users_by_role):
    dashboard = reverse("dashboard", kwargs={"municipality": "burlov"})
    content = login(users_by_role["coordinator"]).get(dashboard).content.decode()
    assert url("people-list") in content and url("organisation-list") in content
    content = login(users_by_role["member"]).get(dashboard).content.decode()
    assert url("people-list") not in content


def test_a_coordinator_cannot_add_a_public_authority(login, coordinator):
    response = login(coordinator).post(
        url("organisation-create"),
        {"name": "Falska polisen", "short_name": "", "kind": Organisation.Kind.POLICE},
    )
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Organisation.objects.filter(name="Falska polisen").exists()


def test_a_coordinator_cannot_make_a_company_a_public_authority(login, coordinator, security_org):
    response = login(coordinator).post(
        url("organisation-edit", pk=security_org.pk),
        {"name": security_org.name, "short_name": "", "kind": Organisation.Kind.POLICE},
    )
    assert response.status_code == 400
    security_org.refresh_from_db()
    assert not security_org.is_public_authority


def test_a_coordinator_cannot_change_the_kind_of_a_public_authority(
    login, coordinator, municipal_admin_org
):
    response = login(coordinator).post(
        url("organisation-edit", pk=municipal_admin_org.pk),
        {"name": "Burlövs kommun KLF", "short_name": "", "kind": Organisation.Kind.OTHER},
    )
    assert response.status_code == 302
    municipal_admin_org.refresh_from_db()
    assert municipal_admin_org.name == "Burlövs kommun KLF"
    assert municipal_admin_org.kind == Organisation.Kind.MUNICIPAL_ADMINISTRATION


def test_an_admin_may_add_a_public_authority(login, admin_user, burlov):
    response = login(admin_user).post(
        url("organisation-create"),
        {"name": "Polisen LPO Malmö", "short_name": "", "kind": Organisation.Kind.POLICE},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Polisen LPO Malmö").is_public_authority


def test_the_invitation_reads_well(
    admin_user, police_org, burlov, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks(execute=True):
        people.add_person(
            burlov,
            first_name="Sara",
            last_name="Lind",
            email="sara@example.org",
            role=access.MEMBER,
            organisation=police_org,
            domain="trygghet.example",
        )
    message = mail.outbox[0]
    assert message.subject == "Välkommen till Trygghet i Burlöv"
    assert message.body.startswith("Hej Sara Lind!")
    assert "https://trygghet.example/accounts/reset/" in message.body
    assert "Ditt användarnamn: sara@example.org" in message.body


def test_an_existing_account_without_a_password_is_invited_when_attached(
    login, admin_user, eslov, police_org
):
    # Entered by the operators as a council member in Eslöv, never logged in.
    user = User.objects.create_user("karin", email="karin@example.org", first_name="Karin")
    assert not user.has_usable_password()
    MunicipalityMembership.objects.create(user=user, municipality=eslov, role=access.MEMBER)
    response = login(admin_user).post(
        url("person-create"), new_person(police_org, email="karin@example.org"), follow=True
    )
    assert response.status_code == 200
    assert user.municipality_memberships.count() == 2
    content = response.content.decode()
    assert "fanns redan" in content and "En inbjudan att välja lösenord skickades" in content


@pytest.mark.django_db(transaction=True)
def test_the_attached_account_without_a_password_gets_one_invitation(
    client, admin_user, eslov, police_org, eager_celery
):
    user = User.objects.create_user("karin", email="karin@example.org", first_name="Karin")
    MunicipalityMembership.objects.create(user=user, municipality=eslov, role=access.MEMBER)
    client.force_login(admin_user)
    client.post(url("person-create"), new_person(police_org, email="Karin@example.org"))
    assert [m.to for m in mail.outbox] == [["karin@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_two_admins_removed_at_once_still_leave_one(burlov, admin_user, municipal_admin_org):
    """The check and the change happen under a lock on the municipality's admin rows: while
    one demotion is in flight, a second one waits, then sees that only one admin is left."""
    import threading

    from django.db import connection, connections, transaction

    from tests.helpers import wait_until

    first = admin_user.municipality_memberships.get()
    second = make_user(
        "burlov.admin2", burlov, access.ADMIN, municipal_admin_org
    ).municipality_memberships.get()
    operator = MunicipalityMembership(municipality=burlov, role=access.ADMIN)  # not saved
    outcome = {}

    def demote_first():
        try:
            with municipality_scope(burlov):  # a thread starts unscoped: as its request
                people.change_membership(
                    first,
                    acting=operator,
                    role=access.MEMBER,
                    organisation=None,
                    title="",
                    is_active=True,
                )
            outcome["result"] = "demoted"
        except Exception as error:
            outcome["result"] = error
        finally:
            connections.close_all()

    def someone_waits_for_a_lock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh view inside a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    with transaction.atomic():
        # The other demotion, in flight: it holds the admin rows.
        list(
            MunicipalityMembership.objects.select_for_update().filter(
                municipality=burlov, role=access.ADMIN
            )
        )
        thread = threading.Thread(target=demote_first)
        thread.start()
        wait_until(
            lambda: someone_waits_for_a_lock() or outcome,
            timeout=20,
            message="the second demotion to wait",
        )
        assert not outcome, outcome
        MunicipalityMembership.objects.filter(pk=second.pk).update(role=access.MEMBER)
    thread.join(timeout=30)

    assert "enda administratör" in str(outcome["result"])
    first.refresh_from_db()
    assert first.role == access.ADMIN
    assert people.admin_count(burlov) == 1


# --- Who makes a person a reader of restricted data (issue 9) ------------------------------
# A person's organisation decides whether they read restricted incidents: only an admin puts a
# person into a public authority's organisation or takes them out of one, as with the kind.


def test_a_coordinator_is_not_offered_public_authorities_for_a_new_person(
    login, coordinator, police_org, security_org
):
    form = login(coordinator).get(url("person-create")).context["form"]
    assert list(form.fields["organisation"].queryset) == [security_org]


def test_a_coordinator_cannot_add_a_person_to_a_public_authority(login, coordinator, police_org):
    response = login(coordinator).post(url("person-create"), new_person(police_org))
    assert response.status_code == 400
    assert not User.objects.filter(email="sara.lind@polisen.se").exists()


def test_a_coordinator_cannot_attach_an_existing_account_to_a_public_authority(
    login, coordinator, outsider, police_org
):
    response = login(coordinator).post(
        url("person-create"), new_person(police_org, email=outsider.email)
    )
    assert response.status_code == 400
    assert not outsider.municipality_memberships.filter(municipality__slug="burlov").exists()


def test_a_coordinator_cannot_move_a_partner_into_a_public_authority(
    login, coordinator, company_partner, police_org, security_org
):
    target = company_partner.municipality_memberships.get()
    response = login(coordinator).post(
        url("person-edit", pk=target.pk), edit_data(target, organisation=police_org.pk)
    )
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.organisation == security_org
    assert not target.can_read_restricted


def test_a_coordinator_cannot_move_a_person_out_of_a_public_authority(
    login, coordinator, police_partner, police_org, security_org
):
    target = police_partner.municipality_memberships.get()
    response = login(coordinator).post(
        url("person-edit", pk=target.pk),
        edit_data(target, organisation=security_org.pk, title="Väktare"),
    )
    target.refresh_from_db()
    assert target.organisation == police_org  # the forged value is ignored
    assert response.status_code == 302 and target.title == "Väktare"


def test_a_coordinator_moves_a_partner_between_companies(
    login, coordinator, company_partner, burlov
):
    housing = Organisation.objects.create(name="Burlövs Bostäder", kind="housing_company")
    housing.municipalities.add(burlov)
    target = company_partner.municipality_memberships.get()
    response = login(coordinator).post(
        url("person-edit", pk=target.pk), edit_data(target, organisation=housing.pk)
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.organisation == housing


def test_an_admin_moves_a_partner_into_a_public_authority(
    login, admin_user, company_partner, police_org
):
    target = company_partner.municipality_memberships.get()
    response = login(admin_user).post(
        url("person-edit", pk=target.pk), edit_data(target, organisation=police_org.pk)
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.can_read_restricted


def test_the_services_refuse_a_coordinator_s_public_authority_change_too(
    burlov, coordinator, company_partner, police_partner, police_org, security_org
):
    from django.core.exceptions import ValidationError

    acting = coordinator.municipality_memberships.get()
    partner = company_partner.municipality_memberships.get()
    with pytest.raises(ValidationError):
        people.change_membership(
            partner,
            acting=acting,
            role=partner.role,
            organisation=police_org,
            title="",
            is_active=True,
        )
    police = police_partner.municipality_memberships.get()
    with pytest.raises(ValidationError):
        people.change_membership(
            police,
            acting=acting,
            role=police.role,
            organisation=security_org,
            title="",
            is_active=True,
        )
    with pytest.raises(ValidationError):
        people.add_person(
            burlov,
            first_name="A",
            last_name="B",
            email="ab@example.org",
            role=access.PARTNER,
            organisation=police_org,
            acting=acting,
        )
    partner.refresh_from_db()
    police.refresh_from_db()
    assert (partner.organisation, police.organisation) == (security_org, police_org)


def test_a_coordinator_cannot_attach_an_existing_public_authority(login, coordinator, eslov):
    rescue = Organisation.objects.create(
        name="Räddningstjänsten Syd", kind=Organisation.Kind.RESCUE_SERVICE
    )
    rescue.municipalities.add(eslov)
    response = login(coordinator).post(
        url("organisation-create"),
        {"name": "räddningstjänsten syd", "short_name": "", "kind": Organisation.Kind.OTHER},
    )
    assert response.status_code == 400
    assert list(rescue.municipalities.all()) == [eslov]
