"""Who may run a meeting: the one place that answers it.

Municipal managers (admins and coordinators) run every meeting of their municipality. A body's
officers run that body's meetings: the chair, the vice chair and the secretary (with a *current*
seat) keep the agenda, the attendance and the minutes, mark the meeting held and publish the
agenda. The minutes are approved (justerade) by the approval rule of ``councils.permissions``:
managers, the chair and the vice chair; the secretary writes them. Creating, moving and
cancelling meetings, series and share links stay with the managers.
"""

from councils.permissions import can_approve_for_body, officer_roles


def can_run_meeting(membership, meeting):
    """May edit the agenda, record attendance, write minutes, mark held, publish the agenda."""
    if membership is None or meeting.municipality_id != membership.municipality_id:
        return False
    return membership.is_manager or bool(officer_roles(membership, meeting.body_id))


def can_approve_minutes(membership, meeting):
    """May approve the minutes (and start a new version)."""
    return can_approve_for_body(membership, meeting.municipality_id, meeting.body_id)
