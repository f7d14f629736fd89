"""The API tokens page of a municipality: its admins list, make and revoke tokens; the secret
is shown once; everyone else is refused (403 in the municipality, 404 outside)."""

import pytest
from django.test import Client

from councils.models import ApiToken
from trygghet.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/burlov/api-tokens/"
NEW = "/burlov/api-tokens/new/"


def membership_of(user):
    return user.municipality_memberships.get()


def test_an_admin_makes_a_token_and_sees_its_secret_once(login, admin_user, company_partner):
    client = login(admin_user)
    page = client.get(NEW)
    assert page.status_code == 200
    response = client.post(
        NEW,
        {
            "name": "Vaktrapporter",
            "person": membership_of(company_partner).pk,
            "can_read": "on",
            "can_write_incidents": "on",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret in response.content.decode() and token.organisation.name == "Trygghetsbolaget AB"
    assert token.scopes == ["read", "write_incidents"] and token.created_by == admin_user
    listing = client.get(LIST).content.decode()
    assert "Vaktrapporter" in listing and secret not in listing and token.prefix in listing
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/categories/").status_code == 200
    assert AuditEvent.objects.filter(action="api_token_created", actor=admin_user).exists()


def test_an_admin_revokes_a_token(login, admin_user, company_partner):
    from councils.services.tokens import create_token

    token, secret = create_token(
        membership_of(company_partner),
        name="Gammal",
        can_read=True,
        can_write_incidents=False,
        actor=admin_user,
    )
    client = login(admin_user)
    response = client.post(f"/burlov/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/areas/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token_revoked", object_id=str(token.pk)).exists()


def test_a_token_needs_a_permission(login, admin_user, company_partner):
    client = login(admin_user)
    response = client.post(NEW, {"name": "Inget", "person": membership_of(company_partner).pk})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_a_person_of_another_municipality_cannot_be_chosen(login, admin_user, outsider):
    client = login(admin_user)
    response = client.post(
        NEW, {"name": "X", "person": membership_of(outsider).pk, "can_read": "on"}
    )
    assert response.status_code == 400 and not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "member", "company_partner"])
def test_only_admins_manage_tokens(login, request, who):
    client = login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403


def test_another_municipalitys_admin_gets_404(login, outsider, admin_user, company_partner):
    from councils.services.tokens import create_token

    token, _secret = create_token(
        membership_of(company_partner),
        name="Burlövs",
        can_read=True,
        can_write_incidents=False,
        actor=admin_user,
    )
    client = login(outsider)
    assert client.get(LIST).status_code == 404
    assert client.post(f"/burlov/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
