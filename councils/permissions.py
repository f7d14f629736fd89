"""Who may act for a body: the one rule for its officers, used by minutes and lägesbilder.

A body's officers are the people with a *current* seat as chair, vice chair or secretary.
They run the body's meetings (agenda, attendance, minutes). What the body decides is approved
by one rule, the same for minutes (justering) and a lägesbild (fastställande): the
municipality's managers (admins and coordinators) and the body's current chair and vice chair.
The secretary writes; the chair and vice chair approve.
"""

from .models import Membership

RUNNING_ROLES = (
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.SECRETARY,
)
APPROVING_ROLES = (Membership.Role.CHAIR, Membership.Role.VICE_CHAIR)

_CACHE_ATTR = "_officer_roles_cache"


def officer_roles(membership, body_id):
    """The officer roles ``membership.user`` currently holds in the body (one query, remembered
    on the membership object for the rest of the request)."""
    if membership is None or body_id is None:
        return frozenset()
    cache = membership.__dict__.setdefault(_CACHE_ATTR, {})
    if body_id not in cache:
        cache[body_id] = frozenset(
            Membership.objects.current()
            .filter(user_id=membership.user_id, body_id=body_id, role__in=RUNNING_ROLES)
            .values_list("role", flat=True)
        )
    return cache[body_id]


def can_approve_for_body(membership, municipality_id, body_id):
    """May approve what the body decides (minutes, a lägesbild): the municipality's managers,
    and the body's current chair and vice chair."""
    if membership is None or municipality_id != membership.municipality_id:
        return False
    if membership.is_manager:
        return True
    return bool(officer_roles(membership, body_id) & set(APPROVING_ROLES))
