"""Who may run a meeting: the one place that answers it.

Municipal managers (admins and coordinators) run every meeting of their municipality. A body's
officers run that body's meetings: the chair, the vice chair and the secretary (with a *current*
seat) keep the agenda, the attendance and the minutes, mark the meeting held and publish the
agenda. Only the chair and the vice chair approve (justerar) the minutes; the secretary writes
them. Creating, moving and cancelling meetings, series and share links stay with the managers.
"""

from councils.models import Membership

RUNNING_ROLES = (
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.SECRETARY,
)
APPROVING_ROLES = (Membership.Role.CHAIR, Membership.Role.VICE_CHAIR)

_CACHE_ATTR = "_officer_roles_cache"


def officer_roles(membership, meeting):
    """The officer roles ``membership.user`` currently holds in ``meeting.body`` (one query,
    remembered on the membership object for the rest of the request)."""
    if membership is None or meeting.municipality_id != membership.municipality_id:
        return frozenset()
    cache = membership.__dict__.setdefault(_CACHE_ATTR, {})
    if meeting.body_id not in cache:
        cache[meeting.body_id] = frozenset(
            Membership.objects.current()
            .filter(user_id=membership.user_id, body_id=meeting.body_id, role__in=RUNNING_ROLES)
            .values_list("role", flat=True)
        )
    return cache[meeting.body_id]


def can_run_meeting(membership, meeting):
    """May edit the agenda, record attendance, write minutes, mark held, publish the agenda."""
    if membership is None or meeting.municipality_id != membership.municipality_id:
        return False
    return membership.is_manager or bool(officer_roles(membership, meeting))


def can_approve_minutes(membership, meeting):
    """May approve the minutes (and start a new version): managers, chair and vice chair."""
    if membership is None or meeting.municipality_id != membership.municipality_id:
        return False
    if membership.is_manager:
        return True
    return bool(officer_roles(membership, meeting) & set(APPROVING_ROLES))
