"""Who may do what with meetings: the one place that answers it. Views only call these.

- **Planners** (the municipality's managers: admins and coordinators) plan: they create, move
  and cancel meetings, keep the series and the share links, turn an observation into an action
  item and set the status of action items. They see every meeting of their municipality.
- **Everyone else** sees the meetings of the bodies where they hold a *current* seat, and the
  meetings they are invited to (``MeetingQuerySet.restrict``), with their action items and
  observations; whoever sees a safety walk records what they saw on it.
- **A body's officers** run that body's meetings: the chair, the vice chair and the secretary
  keep the agenda, the attendance and the minutes, mark the meeting held and publish the agenda
  (planners run every meeting).
- **The minutes are approved** (justerade) by the approval rule of ``councils.permissions``:
  planners, the chair and the vice chair; the secretary writes them.

Approved minutes are an official record: nothing of their meeting is edited any more, whoever
asks (the models refuse it too).
"""

from councils.models import Body, Membership
from councils.permissions import can_approve_for_body, officer_roles
from trygghet.tenancy import MANAGERS

# The roles that plan (see above). Their views are declared ``@municipal_view(roles=PLANNERS)``:
# another role of the municipality gets 403.
PLANNERS = MANAGERS


def can_plan(membership):
    """May create, move and cancel meetings, keep series and share links, and set the status
    of action items (the pages offer these to planners only)."""
    return membership is not None and membership.role in PLANNERS


def sees_every_meeting(membership):
    """Planners see every meeting of their municipality; the others those of their bodies and
    those they are invited to (``seated_body_ids``, ``MeetingQuerySet.restrict``)."""
    return can_plan(membership)


def seated_body_ids(user):
    """The bodies where ``user`` holds a current seat (a subquery of ids)."""
    return Membership.objects.current().filter(user=user).values("body_id")


def followed_bodies(membership):
    """The bodies whose meetings, list filter and calendar feed the person follows: every body
    of the municipality for planners, the bodies of their current seats for the others."""
    bodies = Body.objects.restrict(membership)
    if sees_every_meeting(membership):
        return bodies
    return bodies.filter(pk__in=seated_body_ids(membership.user))


def can_run_meeting(membership, meeting):
    """May edit the agenda, record attendance, write minutes, mark held, publish the agenda."""
    if membership is None or meeting.municipality_id != membership.municipality_id:
        return False
    return can_plan(membership) or bool(officer_roles(membership, meeting.body_id))


def can_edit_agenda(membership, meeting):
    """May change the agenda now: runs the meeting, and its minutes are not approved."""
    return can_run_meeting(membership, meeting) and not meeting.is_locked


def can_write_minutes(membership, meeting):
    """May write the minutes now: runs the meeting, and the minutes are not approved."""
    return can_run_meeting(membership, meeting) and not meeting.is_locked


def can_approve_minutes(membership, meeting):
    """May approve the minutes (and start a new version)."""
    return can_approve_for_body(membership, meeting.municipality_id, meeting.body_id)


def can_change_meeting(membership, meeting):
    """May move, edit or cancel this meeting now: a planner, before its minutes are approved."""
    return can_plan(membership) and not meeting.is_locked


def can_record_observation(membership, meeting):
    """May record an observation on this meeting: whoever sees a safety walk, until its
    minutes are approved."""
    return meeting.is_safety_walk and not meeting.is_locked


def can_act_on_observation(membership, meeting):
    """May make an action item of an observation of this walk: a planner, before the walk's
    minutes are approved (the action items are part of them)."""
    return can_change_meeting(membership, meeting)


def can_set_action_status(membership):
    """May set the status of an action item (follow-up goes on after approval): planners."""
    return can_plan(membership)
