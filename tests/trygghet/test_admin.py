"""The Django admin is for the installation's operators (superusers): every registered model's
list and add pages open for them, and nobody else gets in."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_superuser("drift", "drift@example.org", "x")


def registered_models():
    return sorted(
        (m._meta.app_label, m._meta.model_name)
        for m in admin.site._registry
        if m._meta.app_label in {"councils", "meetings", "situation_reports"}
    )


@pytest.mark.parametrize("app_label,model_name", registered_models())
def test_every_admin_page_opens_for_an_operator(client, operator, burlov, app_label, model_name):
    client.force_login(operator)
    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200


def test_a_municipal_admin_without_staff_status_cannot_open_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
