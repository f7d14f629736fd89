"""Issue 9: what a member whose organisation is not a public authority sees of restricted
incidents — nothing: no duplicate hint, no history from while it was restricted, no notable
row, and every figure computed from the incidents they may list (the count rule)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import Membership, MunicipalityMembership
from situation_reports.models import Incident
from situation_reports.services import compiling, incidents
from tests.factories import make_user

from .report_helpers import END, START, as_meeting_report
from .test_incident_form import create_url, post_data
from .test_report_views import pdf_text

pytestmark = pytest.mark.django_db

RESTRICTED = Incident.Confidentiality.RESTRICTED
SECRET = "Kanariefågel-7f3a"


def url(name, **kwargs):
    return reverse(f"situation_reports:{name}", kwargs={"municipality": "burlov", **kwargs})


def membership_of(user):
    return MunicipalityMembership.objects.get(user=user)


# --- 1. Duplicate warning ---------------------------------------------------------------------


@pytest.fixture
def restricted_neighbour(burlov, make_incident, arlov):
    """A restricted incident an hour ago: same category and area as the form's default data."""
    return make_incident(
        burlov,
        area=arlov,
        category="graffiti",
        confidentiality=RESTRICTED,
        started_at=timezone.now() - datetime.timedelta(hours=1),
        description=f"{SECRET}: hot mot vakt",
    )


def test_a_company_partner_gets_no_duplicate_hint_of_a_restricted_incident(
    login, company_partner, categories, arlov, restricted_neighbour
):
    response = login(company_partner).post(create_url(), post_data(categories, arlov))
    # Saved at once: no warning, so nothing of the restricted incident reached the page.
    assert response.status_code == 302
    assert Incident.objects.count() == 2


def test_a_public_authority_is_warned_of_the_restricted_duplicate(
    login, police_partner, categories, arlov, restricted_neighbour
):
    response = login(police_partner).post(create_url(), post_data(categories, arlov))
    assert response.status_code == 200
    assert response.context["duplicates"] == [restricted_neighbour]


def test_possible_duplicates_cannot_be_asked_without_saying_for_whom(restricted_neighbour):
    with pytest.raises(TypeError):
        incidents.possible_duplicates(restricted_neighbour)


def test_possible_duplicates_start_from_what_the_membership_may_read(
    company_partner, police_partner, restricted_neighbour
):
    probe = Incident(
        municipality=restricted_neighbour.municipality,
        category=restricted_neighbour.category,
        area=restricted_neighbour.area,
        occurred_on=restricted_neighbour.occurred_on,
        started_at=restricted_neighbour.started_at,
    )
    assert list(incidents.possible_duplicates(probe, membership_of(company_partner))) == []
    assert list(incidents.possible_duplicates(probe, membership_of(police_partner))) == [
        restricted_neighbour
    ]


def test_the_form_does_not_offer_the_area_of_a_restricted_incident_one_logged(
    login, company_partner, burlov, make_incident, akarp
):
    make_incident(burlov, area=akarp, confidentiality=RESTRICTED, created_by=company_partner)
    form = login(company_partner).get(create_url()).context["form"]
    assert form.initial.get("area") != akarp.pk


# --- 2. History -------------------------------------------------------------------------------


@pytest.fixture
def redacted_incident(burlov, make_incident, arlov, coordinator):
    """Logged as restricted with a name and a home address, then redacted and opened."""
    incident = make_incident(
        burlov,
        area=arlov,
        category="violence",
        confidentiality=RESTRICTED,
        place=f"{SECRET} gatan 4",
        description=f"{SECRET} hotade grannen",
    )
    incident.description = "Hot mellan grannar (avidentifierad)."
    incident.place = "Arlöv centrum"
    incident._change_reason = "Rensad"
    incident.save()
    incident.confidentiality = Incident.Confidentiality.OPEN
    incident._change_reason = f"Öppnad efter rensning av {SECRET}"
    incident.save()
    return incident


@pytest.mark.parametrize("role", ["company_partner", "guard_member"])
def test_a_private_company_never_sees_history_from_while_it_was_restricted(
    login, users_by_role, burlov, security_org, redacted_incident, role
):
    if role == "guard_member":
        user = make_user("burlov.guardmember", burlov, "member", security_org)
    else:
        user = users_by_role[role]
    response = login(user).get(url("incident-detail", pk=redacted_incident.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hot mellan grannar" in html  # the open incident itself is shown
    assert SECRET not in html
    # Only what was recorded while it was open: the opening itself, without a comparison.
    assert [entry["changes"] for entry in response.context["history"]] == [[]]


def test_a_public_authority_sees_the_whole_history(login, police_partner, redacted_incident):
    html = login(police_partner).get(url("incident-detail", pk=redacted_incident.pk))
    assert SECRET in html.content.decode()
    assert len(html.context["history"]) == 3


def test_history_keeps_open_periods_apart_from_restricted_ones(
    burlov, make_incident, arlov, company_partner
):
    incident = make_incident(burlov, area=arlov, place="Torget")
    incident.confidentiality = RESTRICTED
    incident.place = f"{SECRET} 12"
    incident.save()
    incident.confidentiality = Incident.Confidentiality.OPEN
    incident.place = "Torget igen"
    incident.save()
    entries = incidents.history_entries(incident, membership_of(company_partner))
    assert len(entries) == 2  # logged open, opened again; not the restricted step
    assert SECRET not in str(entries)


# --- 4 and 5. The lägesbild -------------------------------------------------------------------


@pytest.fixture
def report(burlov, dataset, situation_group, coordinator):
    report = compiling.create_report(burlov, START, END, user=coordinator, body=situation_group)
    compiling.compile_report(report.pk)
    report.refresh_from_db()
    return report


@pytest.fixture
def guard_member(burlov, security_org, report):
    """A council member from a security company (detail level "open")."""
    user = make_user("burlov.guardmember", burlov, "member", security_org)
    Membership.objects.create(body=report.body, user=user)
    return user


RESTRICTED_DAY = "2026-03-05"  # the dataset's restricted violence case (START + 3 days)


def test_notable_incidents_show_a_non_authority_member_nothing_of_restricted_ones(
    login, guard_member, report
):
    response = login(guard_member).get(url("report-detail", pk=report.pk))
    view = response.context["view"]
    assert view["notable_items"] and not any(n["restricted"] for n in view["notable_items"])
    assert view["notable_count"] == 1  # the open high-severity vandalism only
    html = response.content.decode()
    assert "Våld/hot" not in html
    assert "5 mars 2026" not in html and "2026-03-05" not in html


@pytest.mark.parametrize("who", ["company_partner", "guard_member"])
def test_report_figures_of_a_non_authority_come_from_open_incidents_only(
    login, users_by_role, guard_member, report, who
):
    user = guard_member if who == "guard_member" else users_by_role[who]
    response = login(user).get(url("report-detail", pk=report.pk))
    html = response.content.decode()
    assert 'data-figure="total-current">16<' in html  # 17 minus the restricted case
    view = response.context["view"]
    assert view["totals"]["current"] == 16
    assert not view["totals"]["current_restricted"]
    assert sum(r["current"] for r in view["categories"]) == 16
    assert sum(r["current"] for r in view["areas"]) == 16
    assert sum(row["total"] for row in view["when_rows"]) == 16
    assert sum(s["current"] for s in view["sources"]) == 16
    assert "Våld/hot" not in html


def test_report_figures_of_a_public_authority_include_restricted_incidents(
    login, police_partner, report
):
    response = login(police_partner).get(url("report-detail", pk=report.pk))
    assert response.context["view"]["totals"]["current"] == 17
    assert "Våld/hot" in response.content.decode()


def test_the_pdf_of_a_non_authority_has_the_open_figures_only(
    login, guard_member, police_partner, report
):
    from io import BytesIO

    text = pdf_text(BytesIO(login(guard_member).get(url("report-pdf", pk=report.pk)).content))
    assert "Våld/hot" not in text and "Hemliga gränd" not in text
    police = pdf_text(BytesIO(login(police_partner).get(url("report-pdf", pk=report.pk)).content))
    assert "Våld/hot" in police


def test_comparing_reports_uses_the_viewers_figures(login, company_partner, police_partner, report):
    query = {"a": report.pk, "b": report.pk}
    partner = login(company_partner).get(url("report-compare"), query).context
    assert partner["totals"]["a"] == 16
    assert "Våld/hot" not in [r["label"] for r in partner["rows"]]
    assert login(police_partner).get(url("report-compare"), query).context["totals"]["a"] == 17


def test_the_start_page_report_section_uses_the_viewers_figures(
    login, company_partner, police_partner, report
):
    as_meeting_report(report)  # the start page shows a meeting's report, not a free period's

    def section(user):
        sections = login(user).get("/burlov/").context["sections"]
        return next(s for s in sections if s["template"].endswith("report_dashboard.html"))

    assert section(company_partner)["totals"]["current"] == 16
    assert section(police_partner)["totals"]["current"] == 17


def test_a_report_compiled_before_the_count_rule_shows_non_authorities_no_figures(
    login, company_partner, police_partner, report
):
    data = dict(report.data)
    data.pop("open")
    type(report).objects.filter(pk=report.pk).update(data=data)
    html = login(company_partner).get(url("report-detail", pk=report.pk)).content.decode()
    assert 'data-figure="total-current"' not in html
    assert "Våld/hot" not in html
    police = login(police_partner).get(url("report-detail", pk=report.pk)).content.decode()
    assert 'data-figure="total-current">17<' in police


# --- 5. The trend page ------------------------------------------------------------------------


def test_the_trend_page_counts_what_a_partner_can_list(
    login, company_partner, police_partner, burlov, make_incident, arlov
):
    make_incident(burlov, area=arlov, category="violence", confidentiality=RESTRICTED)
    make_incident(burlov, area=arlov, category="theft")

    def this_week(user):
        client = login(user)
        listed = client.get(url("incident-list")).context["page_obj"].paginator.count
        table = client.get(url("report-trend")).context["table"]
        return table[0]["total"], listed

    assert this_week(company_partner) == (1, 1)
    assert this_week(police_partner) == (2, 2)
