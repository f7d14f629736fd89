"""Scoping by construction (trygghet.tenancy): a municipal row cannot be read without saying
whose view it is, and every deliberate bypass is in a short list."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import ScopeError, scope, scopes_disabled

from councils.models import Area, Body, Municipality
from situation_reports.models import Incident, IncidentCategory
from tests.factories import make_user
from trygghet import access
from trygghet.celery import TrygghetTask, app, municipal_task
from trygghet.tenancy import each_municipality, municipality_scope

ROOT = Path(__file__).resolve().parents[2]

# Rows that are not one municipality's: the directory of people and organisations (an
# organisation may serve several municipalities), the municipalities themselves, a person's
# private calendar token (their feed spans their municipalities), the historical rows of
# django-simple-history (reached only through an incident that is already in scope), and the
# outbox (the installation's mail queue: rendered mails, some with no municipality, such as a
# password reset; sent by one sweep and seen by the operators in the Django admin only), and
# the comparisons' reference data (all Swedish municipalities, their population and the police
# events counted per municipality: public aggregates, the same for everyone).
UNSCOPED = {
    "councils.User",
    "councils.Municipality",
    "councils.Organisation",
    "meetings.CalendarToken",
    "situation_reports.HistoricalIncident",
    "situation_reports.PoliceEventCount",
    "situation_reports.PoliceEventSource",
    "situation_reports.ReferenceMunicipality",
    "situation_reports.ReferencePopulation",
    "trygghet.OutgoingEmail",
}

# Every deliberate read across municipalities. A new one is a decision: add it here, with why.
BYPASSES = {
    "councils/management/commands/seed_demo.py",  # the demo writes both municipalities
    "situation_reports/management/commands/import_police_events.py",  # a national file
    "trygghet/access.py",  # the access decision: the user's own membership, by slug
    "trygghet/middleware.py",  # the operators' Django admin
    "trygghet/alerts.py",  # which municipalities have subscriptions; a mail's unsubscribe link
    "trygghet/tenancy.py",  # the definitions
    "meetings/views/public.py",  # which municipality a share-link token belongs to
    "trygghet/api/auth.py",  # which municipality an API token belongs to (issue 15)
    "trygghet/attachments.py",  # the orphan-file sweep: which stored files any row names
    "trygghet/sso.py",  # whether any of a person's roles forbids password login (issue 17)
    "situation_reports/views/public.py",  # which municipality a public page's slug names
    # A consent is stored with the municipality that gives it, its reader is elsewhere.
    "situation_reports/services/sharing.py",
    "situation_reports/services/categories.py",  # the national default categories, after migrate
    "situation_reports/services/indicator_catalogue.py",  # the default indicators, after migrate
    # Retention: whether a person who left is active in another municipality (never touched).
    "situation_reports/services/retention.py",
}


class IncidentAreaForm(forms.ModelForm):
    """Defined at import, outside any scope, as every form class of the application."""

    class Meta:
        model = Incident
        fields = ["area"]


def _our_models():
    for config in apps.get_app_configs():
        if config.name in ("councils", "meetings", "situation_reports", "trygghet"):
            yield from config.get_models()


def test_every_municipal_model_has_a_scoped_default_manager():
    unscoped = []
    for model in _our_models():
        label = model._meta.label
        name = type(model._default_manager).__name__
        if label in UNSCOPED:
            continue
        if not (name.startswith("Scoped") or name == "SharedOrScopedManager"):
            unscoped.append(f"{label} ({name})")
    assert unscoped == []


def test_the_unscoped_list_names_models_that_exist():
    labels = {model._meta.label for model in _our_models()}
    assert labels >= UNSCOPED


@pytest.fixture
def two_worlds(burlov, eslov):
    categories = {c.code: c for c in IncidentCategory.objects.filter(municipality=None)}
    made = {}
    for municipality in (burlov, eslov):
        area = Area.objects.create(municipality=municipality, name=f"Centrum {municipality.slug}")
        made[municipality.slug] = Incident.objects.create(
            municipality=municipality,
            area=area,
            category=categories["theft"],
            occurred_on=datetime.date(2026, 3, 2),
            description=f"Stöld i {municipality.name}",
        )
    IncidentCategory.objects.create(municipality=eslov, code="eslovs-egen", name="Eslövs egen")
    return made


def test_a_query_without_a_municipality_in_scope_is_refused(two_worlds):
    with scope():
        for query in (
            lambda: list(Incident.objects.all()),
            lambda: Incident.objects.count(),
            lambda: Incident.objects.filter(pk=1).first(),
            lambda: Area.objects.get(pk=1),
            lambda: list(Body.objects.values_list("pk")),
            lambda: IncidentCategory.objects.filter(code="theft").exists(),
        ):
            with pytest.raises(ScopeError):
                query()


def test_a_custom_queryset_method_is_refused_too(two_worlds, coordinator):
    membership = coordinator.municipality_memberships.get()
    with scope(), pytest.raises(ScopeError):
        list(Incident.objects.restrict(membership))


def test_in_scope_only_that_municipalitys_rows_exist(two_worlds, burlov):
    with municipality_scope(burlov):
        assert list(Incident.objects.all()) == [two_worlds["burlov"]]
        assert not Incident.objects.filter(pk=two_worlds["eslov"].pk).exists()
        assert set(Area.objects.values_list("municipality", flat=True)) == {burlov.pk}
        # National categories and Burlöv's own, never Eslöv's.
        codes = set(IncidentCategory.objects.values_list("code", flat=True))
        assert "theft" in codes and "eslovs-egen" not in codes


def test_several_municipalities_in_scope_see_each_others_rows(two_worlds, burlov, eslov):
    with municipality_scope([burlov, eslov]):
        assert Incident.objects.count() == 2
    with municipality_scope([]):
        assert Incident.objects.count() == 0


def test_none_is_never_a_scope(burlov):
    # django-scopes reads None as "no filter": the helper refuses it.
    with pytest.raises(ValueError), municipality_scope(None):
        pass
    with pytest.raises(ValueError), municipality_scope([burlov, None]):
        pass


def test_each_municipality_gives_every_municipality_its_own_scope(two_worlds):
    seen = {m.slug: list(Incident.objects.all()) for m in each_municipality()}
    assert seen == {"burlov": [two_worlds["burlov"]], "eslov": [two_worlds["eslov"]]}


def test_a_form_made_at_import_offers_the_rows_of_the_scope_it_is_used_in(two_worlds, burlov):
    """The form's area field got its queryset when the module was imported, outside any
    scope; used in Burlöv it offers Burlöv's areas only, and outside a scope nothing."""
    with municipality_scope(burlov):
        names = [area.name for area in IncidentAreaForm().fields["area"].queryset]
    assert names == ["Centrum burlov"]
    with scope(), pytest.raises(ScopeError):
        list(IncidentAreaForm().fields["area"].queryset)


def test_a_municipal_view_runs_in_its_municipality_and_nowhere_else(two_worlds, coordinator):
    seen = {}

    @access.municipal_view()
    def view(request):
        seen["incidents"] = list(Incident.objects.all())  # no restrict: the scope still holds
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().get("/burlov/")
    request.user = coordinator
    with scope():
        assert view(request, municipality="burlov").status_code == 200
    assert seen["incidents"] == [two_worlds["burlov"]]


def test_every_request_starts_with_no_municipality_in_scope(client, two_worlds):
    """The test code runs unscoped; a request still starts scoped (ScopeMiddleware), so a
    view that forgot its scope fails in the tests as it would in production."""
    from trygghet.middleware import ScopeMiddleware

    def inner(request):
        with pytest.raises(ScopeError):
            Incident.objects.count()
        return "answered"

    with scopes_disabled():
        assert ScopeMiddleware(inner)(RequestFactory().get("/burlov/")) == "answered"


def test_the_operators_admin_reads_every_municipality(client, two_worlds):
    operator = make_user("drift.test", is_superuser=True, is_staff=True)
    client.force_login(operator)
    response = client.get(reverse("admin:councils_area_changelist"))
    assert response.status_code == 200
    for incident in two_worlds.values():
        assert incident.area.name.encode() in response.content


def test_a_task_runs_with_no_municipality_in_scope(two_worlds):
    from trygghet.tasks import clear_expired_sessions

    assert isinstance(clear_expired_sessions, TrygghetTask)  # every task's base

    @app.task(name="tests.count_incidents_unscoped")
    def count_incidents():
        return Incident.objects.count()

    with pytest.raises(ScopeError):
        count_incidents.apply(throw=True)


def test_a_municipal_task_runs_in_the_municipality_of_its_first_argument(two_worlds, eslov):
    @municipal_task(name="tests.incidents_of")
    def incidents_of(municipality_id):
        return list(Incident.objects.values_list("description", flat=True))

    assert incidents_of.apply((eslov.pk,), throw=True).get() == ["Stöld i Eslöv"]


def test_every_municipal_task_takes_the_municipality_first():
    import meetings.tasks  # noqa: F401  (registers the tasks)
    import situation_reports.tasks  # noqa: F401
    from trygghet.celery import MunicipalTask

    municipal = sorted(n for n, t in app.tasks.items() if isinstance(t, MunicipalTask))
    assert "situation_reports.compile_situation_report" in municipal
    assert "meetings.tasks.send_agenda_email" in municipal


def test_every_bypass_is_in_the_list():
    """``scopes_disabled`` outside the tests appears only where the list above says why."""
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    users = {
        path
        for path in tracked
        if not path.startswith(("tests/", "scripts/"))
        and "/migrations/" not in path
        and re.search(r"\bscopes_disabled\b", (ROOT / path).read_text())
    }
    assert users == BYPASSES


def test_municipalities_are_not_scoped_themselves(burlov):
    with scope():
        assert Municipality.objects.filter(slug="burlov").exists()
    assert isinstance(Municipality._default_manager, models.Manager)
