"""Who may do what in the councils app: every rule, in one place. Views, forms and services
only call these; each compares with the role constants (``trygghet.tenancy``, the body seats'
``Membership.Role``), never with a string.

**A body's officers** are the people with a *current* seat as chair, vice chair or secretary.
They run the body's meetings (agenda, attendance, minutes). What the body decides is approved
by one rule, the same for minutes (justering) and a lägesbild (fastställande): the
municipality's managers (admins and coordinators) and the body's current chair and vice chair.
The secretary writes; the chair and vice chair approve. Whoever prepared it (the coordinator
who compiled a lägesbild) is not its only approver when the body has a chair or vice chair
besides them: then one of those approves. ``approvers_for_body`` names them all for the page.

**The municipality's content** (bodies, seats, agreements and their parts, areas) is kept by its
managers; an action's follow-up is posted by the action's lead too.

**People and organisations** are managed by admins and coordinators: a coordinator gives and
changes only the roles member and partner. A person's organisation decides whether they read
restricted incidents (GDPR art. 10), so only an admin makes an organisation a public authority,
attaches one to the municipality, or puts a person into (or takes them out of) one (issue 9: a
coordinator could move a partner into the police). ``acting`` None is the operators' shell and
the demo, which may do everything.
"""

from trygghet.tenancy import ADMIN, COORDINATOR, MANAGERS, MEMBER, PARTNER

from .models import Membership, MunicipalityMembership

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


def _body_approvers(body_id):
    """The current chair and vice chair seats of the body."""
    if body_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.current()
        .filter(body_id=body_id, role__in=APPROVING_ROLES, user__is_active=True)
        .select_related("user")
    )


def approval_refusal(membership, municipality_id, body_id, prepared_by_id=None):
    """Why ``membership`` may not approve what the body decides, or None when they may:
    the municipality's managers and the body's current chair and vice chair approve, except
    that whoever prepared it (``prepared_by_id``: the coordinator who compiled a lägesbild) is
    not its only approver while the body has a chair or vice chair other than them."""
    if membership is None or municipality_id != membership.municipality_id:
        return NOT_AN_APPROVER
    if not membership.is_manager and not officer_roles(membership, body_id) & set(APPROVING_ROLES):
        return NOT_AN_APPROVER
    if (
        prepared_by_id is not None
        and prepared_by_id == membership.user_id
        and _body_approvers(body_id).exclude(user_id=membership.user_id).exists()
    ):
        return PREPARED_IT
    return None


# Why an approval is refused (``approval_refusal``).
NOT_AN_APPROVER = "not_an_approver"
PREPARED_IT = "prepared_it"


def can_approve_for_body(membership, municipality_id, body_id, prepared_by_id=None):
    """May approve what the body decides (minutes, a lägesbild): see ``approval_refusal``."""
    return approval_refusal(membership, municipality_id, body_id, prepared_by_id) is None


def approvers_for_body(municipality_id, body_id, prepared_by_id=None):
    """Who may approve what the body decides, to name them on the page: ``(officers,
    managers)``, the body's current chair and vice chair (seats, with their role) and the
    municipality's active admins and coordinators (memberships), each without whoever
    prepared it when the rule leaves them out."""
    officers = list(_body_approvers(body_id).order_by("role", "user__first_name", "user_id"))
    managers = list(
        MunicipalityMembership.objects.filter(
            municipality_id=municipality_id,
            role__in=MANAGERS,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    )
    if prepared_by_id is not None and any(o.user_id != prepared_by_id for o in officers):
        managers = [m for m in managers if m.user_id != prepared_by_id]
        officers = [o for o in officers if o.user_id != prepared_by_id]
    return officers, managers


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
