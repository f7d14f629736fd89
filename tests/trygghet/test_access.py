"""The access mechanism: anonymous -> login, other municipality -> 404, member -> 200."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from councils.models import MunicipalityMembership
from tests.access import EVERYONE, AccessMatrix, Page, assert_sent_to_login
from trygghet.access import get_membership

pytestmark = pytest.mark.django_db


def test_it_sends_an_anonymous_visitor_to_login(client, burlov):
    response = client.get("/burlov/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/burlov/"


def test_it_answers_404_to_a_member_of_another_municipality(login, burlov, outsider):
    response = login(outsider).get("/burlov/")
    assert response.status_code == 404
    assert "Burlöv" not in response.content.decode()


def test_it_answers_404_for_a_municipality_that_does_not_exist(login, coordinator):
    assert login(coordinator).get("/malmo/").status_code == 404


class TestTheStartPage(AccessMatrix):
    """Every role of the municipality reaches its start page, in that municipality."""

    pages = [Page("dashboard", allowed=EVERYONE)]
    # The start page shows no single object.
    test_a_burlov_object_is_404_through_the_outsiders_own_address = None

    @pytest.fixture
    def objects(self, burlov):
        return {}

    def check_allowed(self, page, response, role, objects):
        assert response.context["request"].municipality.slug == "burlov"


def test_an_inactive_membership_gives_no_access(login, member):
    MunicipalityMembership.objects.filter(user=member).update(is_active=False)
    assert login(member).get("/burlov/").status_code == 404


def test_a_superuser_acts_as_admin_in_every_municipality(django_user_model, burlov):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    membership = get_membership(root, "burlov")
    assert membership.role == "admin"
    assert membership.can_read_restricted


def test_only_public_authorities_may_read_restricted_data(police_partner, company_partner):
    assert get_membership(police_partner, "burlov").can_read_restricted
    assert not get_membership(company_partner, "burlov").can_read_restricted


def test_a_user_in_one_municipality_goes_straight_to_it(login, coordinator):
    response = login(coordinator).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/burlov/"


def test_a_user_in_several_municipalities_chooses_among_them(login, coordinator, eslov):
    MunicipalityMembership.objects.create(user=coordinator, municipality=eslov, role="member")
    response = login(coordinator).get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/burlov/"' in content and 'href="/eslov/"' in content


def test_a_user_without_municipality_is_told_what_to_do(login, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    response = login(user).get("/")
    assert response.status_code == 200
    assert "inte kopplat till någon kommun" in response.content.decode()


def test_the_navigation_only_links_pages_of_the_current_municipality(login, coordinator):
    response = login(coordinator).get("/burlov/")
    for item in response.context["nav_items"]:
        assert item["url"].startswith("/burlov/")


def municipal_list_urls():
    """Every page under /<municipality>/ that takes no other argument, as the URLconf has them:
    a page added later is covered without anyone remembering to add it here."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif (
                isinstance(p, URLPattern)
                and route.startswith("<slug:municipality>/")
                and route.count("<") == 1
            ):
                found.append(route.replace("<slug:municipality>", "burlov"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found) - PUBLIC_PAGES)


# The one page under /<municipality>/ meant for everyone, without login: the public page of what
# the municipality chose to publish (its own tests plant restricted canaries there).
PUBLIC_PAGES = {"burlov/public/"}


def test_the_public_page_is_the_only_municipal_page_open_to_everyone(client, burlov):
    for path in PUBLIC_PAGES:
        assert client.get("/" + path).status_code == 200


def test_the_municipal_page_list_is_not_empty():
    assert "burlov/" in municipal_list_urls()


@pytest.mark.parametrize("path", municipal_list_urls())
def test_every_municipal_page_hides_behind_login_and_membership(client, burlov, outsider, path):
    # Pages that only take a POST (an action button) are asked with a POST.
    ask = client.post if client.get("/" + path).status_code == 405 else client.get
    assert_sent_to_login(ask("/" + path))
    client.force_login(outsider)
    assert ask("/" + path).status_code == 404
