"""Who may do what with incidents, upcoming events, the imports and situation reports.

Every rule of the app is here, on the role constants of ``trygghet.tenancy``; views and
templates only ask (pages say ``@municipal_view(roles=...)`` with ``EVERYONE``, ``MANAGERS`` or
``LOGGERS`` below, and a page for several roles asks here what each may do). Which rows a
member may *read* is not decided here but by the querysets' ``restrict`` (restricted incidents
for public authorities only: ``Incident.objects.restrict``); these rules decide what a member may
*do* with what they can read.

Approving a situation report follows the one approval rule of ``councils.permissions`` (the
same as for minutes).
"""

from councils.models import Membership
from councils.permissions import approval_refusal, approvers_for_body, can_approve_for_body
from trygghet.tenancy import ADMIN, COORDINATOR, MEMBER, PARTNER

from .models import Incident

# Who logs incidents: managers, and partners for what their organisation saw.
LOGGERS = (ADMIN, COORDINATOR, PARTNER)

# Detail levels of a situation report (``detail_level``).
ALL_DETAILS = "all"
OPEN_DETAILS = "open"
AGGREGATES = "aggregates"

# The review steps of a situation report (``can_take_step``).
APPROVE = "approve"


# --- Incidents ---------------------------------------------------------------------------------


def can_log(membership):
    """May log incidents: managers, and partners for their organisation."""
    return membership.role in LOGGERS


def logs_for_any_organisation(membership):
    """Managers say which organisation an incident comes from; a partner logs for their own."""
    return membership.is_manager


def can_edit_incident(membership, incident):
    """Managers edit every incident; a logger edits what they logged. Never a withdrawn one,
    nor what the police published (it is re-imported as it is)."""
    if incident.is_withdrawn or incident.source == Incident.Source.POLICE_OPEN_DATA:
        return False
    return membership.is_manager or (
        can_log(membership) and incident.created_by_id == membership.user_id
    )


def can_withdraw_incident(membership, incident):
    return membership.is_manager and not incident.is_withdrawn


def can_read_access_log(membership, incident):
    """Who read a restricted incident: shown to managers."""
    return incident.is_restricted and membership.is_manager


def can_import(membership):
    """May import a file of incidents and switch the police's open data on or off."""
    return membership.is_manager


def can_manage_categories(membership):
    """May add and retire the municipality's own categories."""
    return membership.is_manager


def can_manage_upcoming(membership):
    """May add, remove and generate upcoming events."""
    return membership.is_manager


# --- Situation reports -------------------------------------------------------------------------


def can_manage_reports(membership):
    """May ask for a report, write its text and take it through review."""
    return membership.is_manager


def can_edit_report(membership, report):
    return membership.is_manager and report.is_editable


def _sits_in_body(report, user):
    return Membership.objects.current().filter(body_id=report.body_id, user=user).exists()


def can_comment(report, membership):
    """Managers, and the current members of the report's body (police, rescue service and
    companies sit in Örat mot marken as partners); without a body, the municipality's
    members."""
    if report.is_approved or report.is_pending:
        return False
    if membership.is_manager:
        return True
    if report.body_id is None:
        return membership.role == MEMBER
    return _sits_in_body(report, membership.user)


def can_approve(report, membership):
    """The approval rule of ``councils.permissions``, the same as for minutes: managers, and
    the current chair and vice chair of the report's body; the coordinator who compiled it
    only when the body has no chair or vice chair besides them."""
    return can_approve_for_body(
        membership, report.municipality_id, report.body_id, prepared_by_id=report.compiled_by_id
    )


def approve_refusal(report, membership):
    """Why this member may not approve the report (``councils.permissions``), or None."""
    return approval_refusal(
        membership, report.municipality_id, report.body_id, prepared_by_id=report.compiled_by_id
    )


def approvers(report):
    """Who may approve the report: ``(officers, managers)`` to name on its page."""
    return approvers_for_body(
        report.municipality_id, report.body_id, prepared_by_id=report.compiled_by_id
    )


def can_take_step(report, membership, step):
    """Approving is for who may approve; the other steps (submit, return, recompile) are for
    managers."""
    if step == APPROVE:
        return can_approve(report, membership)
    return membership.is_manager


def detail_level(membership):
    """How much of an incident's details a reader may see in a report.

    ``all``: public authorities (restricted incidents too); ``open``: others inside the
    municipality (details of open incidents only); ``aggregates``: private companies' partners
    see numbers only (GDPR art. 10 and the partnership's terms). Whoever is not ``all`` gets
    the figures of open incidents only (``services.figures.figures_for``, the count rule).
    """
    if membership.can_read_restricted:
        return ALL_DETAILS
    if membership.role == PARTNER:
        return AGGREGATES
    return OPEN_DETAILS


# --- The action plan ---------------------------------------------------------------------------


def can_manage_plans(membership):
    """Drafts, decides, revises and publishes action plans, keeps the decision register and
    the public page: the managers (administrators and coordinators)."""
    return membership.is_manager


def can_update_measure(membership, measure):
    """Posts a measure's follow-up: its responsible person, or a manager; once its plan is
    decided (a replaced plan's measures are followed up in the revision)."""
    if not measure.plan.is_decided:
        return False
    return membership.is_manager or measure.responsible_person_id == membership.user_id
