"""Access tests as declarations (as NetBox's ``ViewTestCases``): list a model's pages, say who
may open each, and inherit ``AccessMatrix``; the matrix is run for every page.

    class TestAreaPages(AccessMatrix):
        pages = [
            Page("councils:area-list", allowed=EVERYONE),
            Page("councils:area-edit", obj="arlov", allowed=MANAGERS),
            Page("councils:area-edit", obj="arlov", allowed=MANAGERS,
                 method="post", data={"name": "Omdöpt", ...}, ok=302),
        ]

        @pytest.fixture
        def objects(self, arlov):
            return {"arlov": arlov}

For each page, one test case each:

- anonymous: sent to the login page;
- the outsider (a coordinator of Eslöv, ``tests/conftest.py``): 404, as if Burlöv did not
  exist; and for a page of one object, 404 also through Eslöv's own address (a Burlöv id in an
  Eslöv URL finds nothing);
- each role of Burlöv (``ROLES``): ``ok`` (200, or e.g. 302 for a POST that acts) when the role
  is ``allowed``, otherwise 403; ``statuses`` gives a role another answer (404 for the page of
  a body the person does not sit in: it does not exist for them).

``check_allowed(page, response, role, objects)`` may be overridden to look closer at the
answers the allowed roles get.
"""

from dataclasses import dataclass, field
from typing import ClassVar

import pytest
from django.urls import reverse

# The roles of Burlöv in tests/conftest.py (``users_by_role``), the outsider aside.
ROLES = ("admin", "coordinator", "member", "police_partner", "company_partner")
EVERYONE = frozenset(ROLES)
MANAGERS = frozenset({"admin", "coordinator"})


def assert_sent_to_login(response):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(reverse("login")), response["Location"]


@dataclass(frozen=True)
class Page:
    """One address of the matrix: the URL name, the object it shows (a key of the class's
    ``objects``, passed as ``pk``), other URL arguments, the method and what it sends."""

    name: str
    allowed: frozenset
    obj: str | None = None
    kwargs: dict = field(default_factory=dict)
    method: str = "get"
    data: dict = field(default_factory=dict)
    ok: int = 200
    statuses: dict = field(default_factory=dict)

    @property
    def id(self):
        label = self.name.split(":")[-1] + (f":{self.obj}" if self.obj else "")
        label += "".join(f":{value}" for value in self.kwargs.values())
        return label if self.method == "get" else f"{label}:{self.method}"

    def url(self, objects, municipality="burlov"):
        kwargs = {"municipality": municipality, **self.kwargs}
        if self.obj:
            kwargs["pk"] = objects[self.obj].pk
        return reverse(self.name, kwargs=kwargs)

    def expected(self, role):
        if role in self.statuses:
            return self.statuses[role]
        return self.ok if role in self.allowed else 403

    def ask(self, client, objects, municipality="burlov"):
        return getattr(client, self.method)(self.url(objects, municipality), self.data)


class AccessMatrix:
    """Inherit and set ``pages``; override the ``objects`` fixture for the rows they show."""

    pages: ClassVar[list] = []

    @pytest.fixture
    def objects(self):
        return {}

    def check_allowed(self, page, response, role, objects):
        """More checks on the answer an allowed role gets (none by default)."""

    def pytest_generate_tests(self, metafunc):
        # "view", not "page": that is pytest-playwright's browser page.
        if "view" in metafunc.fixturenames:
            metafunc.parametrize("view", self.pages, ids=[page.id for page in self.pages])
        if "object_view" in metafunc.fixturenames:
            pages = [page for page in self.pages if page.obj]
            metafunc.parametrize("object_view", pages, ids=[page.id for page in pages])
        if "role" in metafunc.fixturenames:
            metafunc.parametrize("role", ROLES)

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, objects, view):
        assert_sent_to_login(view.ask(client, objects))

    def test_another_municipalitys_coordinator_gets_404(self, client, outsider, objects, view):
        client.force_login(outsider)
        assert view.ask(client, objects).status_code == 404

    def test_a_burlov_object_is_404_through_the_outsiders_own_address(
        self, client, outsider, objects, object_view
    ):
        client.force_login(outsider)
        assert object_view.ask(client, objects, municipality="eslov").status_code == 404

    def test_each_role_gets_what_the_matrix_says(self, client, users_by_role, objects, view, role):
        client.force_login(users_by_role[role])
        response = view.ask(client, objects)
        assert response.status_code == view.expected(role), (view.id, role)
        if role in view.allowed and role not in view.statuses:
            self.check_allowed(view, response, role, objects)
