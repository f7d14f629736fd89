"""An incident's confidentiality decides whether private companies see it: each change is one
event in the audit trail, on the incident's edit page and in the operators' admin. (A CSV or
police import only adds incidents, it never changes one's confidentiality.)"""

import pytest
from django.urls import reverse
from django.utils import timezone

from situation_reports.models import Incident
from tests.admin_helpers import admin_form_data
from trygghet.models import AuditEvent

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture
def restricted(burlov, make_incident, arlov):
    return make_incident(
        burlov,
        area=arlov,
        category="violence",
        confidentiality=Incident.Confidentiality.RESTRICTED,
        description="Hot mot personal vid skolan.",
    )


def edit(client, incident, **changes):
    data = {
        "category": incident.category_id,
        "occurred_on": incident.occurred_on.isoformat(),
        "start_time": timezone.localtime(incident.started_at).strftime("%H:%M"),
        "area": incident.area_id or "",
        "place": incident.place,
        "description": incident.description,
        "severity": incident.severity,
        "confidentiality": incident.confidentiality,
        "organisation": "",
        "status": incident.status,
        "change_reason": "",
        **changes,
    }
    url = reverse(
        "situation_reports:incident-edit", kwargs={"municipality": "burlov", "pk": incident.pk}
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def test_opening_a_restricted_incident_is_recorded(login, coordinator, restricted):
    edit(login(coordinator), restricted, confidentiality="open")
    (event,) = AuditEvent.objects.all()
    assert event.action == Action.CONFIDENTIALITY_CHANGED
    assert (event.actor, event.municipality_id) == (coordinator, restricted.municipality_id)
    assert (event.object_type, event.object_id) == (
        "situation_reports.incident",
        str(restricted.pk),
    )
    assert (event.old, event.new) == (
        {"confidentiality": "restricted"},
        {"confidentiality": "open"},
    )


def test_restricting_an_incident_is_recorded(login, coordinator, burlov, make_incident):
    incident = make_incident(burlov)
    edit(login(coordinator), incident, confidentiality="restricted")
    (event,) = AuditEvent.objects.all()
    assert (event.old, event.new) == (
        {"confidentiality": "open"},
        {"confidentiality": "restricted"},
    )


def test_other_edits_are_not_recorded(login, coordinator, restricted):
    edit(login(coordinator), restricted, place="Skolgården")
    assert not AuditEvent.objects.exists()


def test_an_operator_changing_confidentiality_in_the_admin_is_recorded(
    client, django_user_model, restricted
):
    operator = django_user_model.objects.create_superuser("drift", "drift@example.org", "x")
    client.force_login(operator)
    page = reverse("admin:situation_reports_incident_change", args=[restricted.pk])
    data = admin_form_data(client.get(page))
    data["confidentiality"] = "open"
    response = client.post(page, data)
    assert response.status_code == 302, response.context["errors"]
    (event,) = AuditEvent.objects.all()
    assert (event.action, event.actor) == (Action.CONFIDENTIALITY_CHANGED, operator)
    assert (event.old, event.new) == (
        {"confidentiality": "restricted"},
        {"confidentiality": "open"},
    )


def test_the_change_reads_in_swedish_on_the_admins_page(login, admin_user, coordinator, restricted):
    edit(login(coordinator), restricted, confidentiality="open")
    page = login(admin_user).get(
        reverse("audit-trail", kwargs={"municipality": "burlov"}), HTTP_ACCEPT_LANGUAGE="sv"
    )
    content = page.content.decode()
    assert "Händelsens sekretess ändrad" in content
    assert "begränsad – endast myndigheter" in content
