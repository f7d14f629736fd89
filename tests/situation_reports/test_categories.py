import pytest
from django.urls import reverse

from situation_reports.models import IncidentCategory
from tests.access import EVERYONE, MANAGERS, AccessMatrix, Page

pytestmark = pytest.mark.django_db


def url():
    return reverse("situation_reports:category-list", kwargs={"municipality": "burlov"})


def test_the_national_list_has_swedish_labels(categories):
    names = set(
        IncidentCategory.objects.filter(municipality__isnull=True).values_list("name", flat=True)
    )
    assert {"Skadegörelse", "Klotter", "Brand/anlagd brand", "Stöld/inbrott", "Våld/hot",
            "Narkotika", "Störande grupper/ungdomsgäng", "Ordningsstörning",
            "Otrygg plats/miljö", "Trafik", "Övrigt"} <= names  # fmt: skip


def test_a_coordinator_adds_a_category_only_their_municipality_sees(
    login, coordinator, outsider, categories, burlov, eslov
):
    response = login(coordinator).post(url(), {"name": "Mopedbuskörning", "description": ""})
    assert response.status_code == 302
    own = IncidentCategory.objects.get(municipality=burlov)
    assert own.code == "mopedbuskorning"
    assert own in IncidentCategory.objects.available_to(burlov)
    assert own not in IncidentCategory.objects.available_to(eslov)


def test_a_category_name_that_exists_is_refused(login, coordinator, categories):
    response = login(coordinator).post(url(), {"name": "klotter"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not IncidentCategory.objects.filter(municipality__isnull=False).exists()


def test_an_own_category_is_retired_and_leaves_the_form(login, coordinator, categories, burlov):
    client = login(coordinator)
    client.post(url(), {"name": "Mopedbuskörning"})
    own = IncidentCategory.objects.get(municipality=burlov)
    client.post(url(), {"toggle": own.pk})
    own.refresh_from_db()
    assert not own.is_active
    form = client.get(
        reverse("situation_reports:incident-create", kwargs={"municipality": "burlov"})
    ).context["form"]
    assert own not in form.fields["category"].queryset


class TestTheCategoryPage(AccessMatrix):
    """Everyone in the municipality sees the categories; managers add and retire their own."""

    pages = [
        Page("situation_reports:category-list", allowed=EVERYONE),
        Page(
            "situation_reports:category-list",
            allowed=MANAGERS,
            method="post",
            data={"name": "Ny"},
            ok=302,
        ),
    ]
    # The page lists the categories of the municipality: no single object.
    test_a_burlov_object_is_404_through_the_outsiders_own_address = None

    @pytest.fixture
    def objects(self, categories):
        return {}
