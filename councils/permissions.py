"""Who may do what in the councils app: every rule, in one place. Views, forms and services
only call these; each compares with the role constants (``trygghet.tenancy``, the body seats'
``Membership.Role``), never with a string.

**A body's officers** are the people with a *current* seat as chair, vice chair or secretary.
They run the body's meetings (agenda, attendance, minutes). What the body decides is approved
by one rule, the same for minutes (justering) and a lägesbild (fastställande): the
municipality's managers (admins and coordinators) and the body's current chair and vice chair.
The secretary writes; the chair and vice chair approve.

**The municipality's content** (bodies, seats, agreements and their parts, areas) is kept by its
managers; an action's follow-up is posted by the action's lead too.

**People and organisations** are managed by admins and coordinators: a coordinator gives and
changes only the roles member and partner. A person's organisation decides whether they read
restricted incidents (GDPR art. 10), so only an admin makes an organisation a public authority,
attaches one to the municipality, or puts a person into (or takes them out of) one (issue 9: a
coordinator could move a partner into the police). ``acting`` None is the operators' shell and
the demo, which may do everything.
"""

from trygghet.tenancy import ADMIN, COORDINATOR, MEMBER, PARTNER

from .models import Membership

# --- A body's officers --------------------------------------------------------------------------

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


# --- The municipality's content -----------------------------------------------------------------


def can_manage(membership):
    """May keep the municipality's bodies, seats, agreements and areas: admins and coordinators
    (the pages say ``roles=MANAGERS``; this decides what links they are shown)."""
    return membership is not None and membership.is_manager


def can_post_action_update(membership, action):
    """May post a follow-up of the action: its lead, and the managers."""
    return can_manage(membership) or membership.user_id == action.lead_id


# --- People and organisations -------------------------------------------------------------------

# The roles a coordinator gives and changes; an admin gives every role.
COORDINATOR_GIVES = (MEMBER, PARTNER)


def acts_as_admin(acting):
    """Whether ``acting`` (a membership; None for the operators' shell and the demo) has an
    admin's say over roles and public authorities."""
    return acting is None or acting.role == ADMIN


def can_give_role(acting, role):
    """May give a person ``role``: an admin every role; a coordinator member or partner only
    (only an admin hands out the roles admin and coordinator)."""
    return acts_as_admin(acting) or role in COORDINATOR_GIVES


def can_change_person(acting, target):
    """May change the person of membership ``target``: an admin anyone; a coordinator members
    and partners (not admins, nor other coordinators)."""
    if acts_as_admin(acting):
        return True
    return acting.role == COORDINATOR and target.role in COORDINATOR_GIVES


def is_public_authority(organisation):
    return organisation is not None and organisation.is_public_authority


def can_make_public_authority(acting):
    """May make an organisation a public authority, change a public authority's kind, or attach
    an existing public authority to the municipality: admins only."""
    return acts_as_admin(acting)


def can_set_organisation(acting, current, new):
    """May give a person the organisation ``new`` in place of ``current`` (None for a new
    person): an admin always; anyone else only when neither is a public authority (or nothing
    changes)."""
    if acts_as_admin(acting):
        return True
    if current is not None and new is not None and current.pk == new.pk:
        return True
    return not is_public_authority(current) and not is_public_authority(new)


def can_move_out_of(acting, current):
    """May take a person out of their organisation ``current``: not a coordinator out of a
    public authority."""
    return acts_as_admin(acting) or not is_public_authority(current)
