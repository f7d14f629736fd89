"""What of the councils app goes into the audit trail (``trygghet.audit``): a person's role,
organisation and active flag in a municipality, an organisation's kind, and seats in bodies.

Each function compares a before with an after and records one event per kind of change. They
are called explicitly where the change is saved (services, views, the operators' admin), inside
that transaction.
"""

from trygghet.audit import Action, record


def membership_state(membership):
    """What of a municipal role decides access, as stored in an event."""
    organisation = membership.organisation
    return {
        "role": membership.role,
        "organisation": organisation.name if organisation else None,
        "reads_restricted": bool(organisation and organisation.is_public_authority),
        "is_active": membership.is_active,
    }


def record_membership(before, membership, *, actor=None, request=None):
    """Record what changed in ``membership`` since ``before`` (a ``membership_state``, or None
    for a new role): one event each for the role, the organisation and the active flag."""
    after = membership_state(membership)
    # The label is the person, not the membership's "person – municipality (role)", whose role
    # would be out of date after the very change the event describes.
    common = {
        "actor": actor,
        "person": membership.user,
        "request": request,
        "label": str(membership.user),
    }
    municipality = membership.municipality_id
    if before is None:
        record(municipality, Action.PERSON_ADDED, membership, new=after, **common)
        return
    if before["role"] != after["role"]:
        record(
            municipality,
            Action.ROLE_CHANGED,
            membership,
            old={"role": before["role"]},
            new={"role": after["role"]},
            **common,
        )
    if before["organisation"] != after["organisation"]:
        keys = ("organisation", "reads_restricted")
        record(
            municipality,
            Action.ORGANISATION_CHANGED,
            membership,
            old={k: before[k] for k in keys},
            new={k: after[k] for k in keys},
            **common,
        )
    if before["is_active"] != after["is_active"]:
        record(
            municipality,
            Action.PERSON_ACTIVATED if after["is_active"] else Action.PERSON_DEACTIVATED,
            membership,
            old={"is_active": before["is_active"]},
            new={"is_active": after["is_active"]},
            **common,
        )


def record_membership_removed(membership, *, actor=None, request=None):
    record(
        membership.municipality_id,
        Action.PERSON_REMOVED,
        membership,
        old=membership_state(membership),
        label=str(membership.user),
        actor=actor,
        person=membership.user,
        request=request,
    )


def record_membership_saved(stored, membership, *, actor=None, request=None):
    """``record_membership`` from the row as it was stored (None when new), for the operators'
    admin, where a role may also move to another municipality: removed there, added here."""
    if stored is not None and stored.municipality_id != membership.municipality_id:
        record_membership_removed(stored, actor=actor, request=request)
        stored = None
    before = membership_state(stored) if stored is not None else None
    record_membership(before, membership, actor=actor, request=request)


def record_organisation(organisation, old_kind, *, actor=None, request=None, municipalities=None):
    """Record a new organisation (``old_kind`` None) or a change of its kind, once in every
    municipality it serves (a police area serves several): each one's trail shows it."""
    if old_kind == organisation.kind:
        return
    if municipalities is None:
        municipalities = list(organisation.municipalities.values_list("pk", flat=True))
    state = {
        "kind": organisation.kind,
        "reads_restricted": organisation.is_public_authority,
    }
    for municipality in municipalities:
        if old_kind is None:
            record(
                municipality,
                Action.ORGANISATION_ADDED,
                organisation,
                new=state,
                actor=actor,
                request=request,
            )
        else:
            record(
                municipality,
                Action.ORGANISATION_KIND_CHANGED,
                organisation,
                old={
                    "kind": old_kind,
                    "reads_restricted": old_kind in organisation.PUBLIC_AUTHORITY_KINDS,
                },
                new=state,
                actor=actor,
                request=request,
            )


def seat_state(seat):
    """What of a seat in a body decides access (which meetings, who runs them)."""
    return {
        "body": seat.body.name,
        "seat_role": seat.role,
        "start_date": seat.start_date,
        "end_date": seat.end_date,
    }


def record_seat(before, seat, *, actor=None, request=None):
    """Record a new seat (``before`` None), its end (an end date set or moved) and any other
    change of its role or dates, one event each."""
    after = seat_state(seat)
    common = {
        "actor": actor,
        "person": seat.user,
        "request": request,
        "label": f"{seat.user} – {seat.body}",
    }
    municipality = seat.body.municipality_id
    if before is None:
        record(municipality, Action.SEAT_ADDED, seat, new=after, **common)
        return
    ended = after["end_date"] is not None and before["end_date"] != after["end_date"]
    if ended:
        record(
            municipality,
            Action.SEAT_ENDED,
            seat,
            old={"end_date": before["end_date"]},
            new={"end_date": after["end_date"]},
            **common,
        )
    changed = [
        key
        for key in ("seat_role", "start_date", "end_date")
        if before[key] != after[key] and not (key == "end_date" and ended)
    ]
    if changed:
        record(
            municipality,
            Action.SEAT_CHANGED,
            seat,
            old={k: before[k] for k in changed},
            new={k: after[k] for k in changed},
            **common,
        )


def record_seat_saved(stored, seat, *, actor=None, request=None):
    """``record_seat`` from the row as it was stored (None when new), for the operators' admin,
    where a seat may also pass to another person: removed from one, added to the other."""
    if stored is not None and stored.user_id != seat.user_id:
        record_seat_removed(stored, actor=actor, request=request)
        stored = None
    record_seat(
        seat_state(stored) if stored is not None else None, seat, actor=actor, request=request
    )


def record_seat_removed(seat, *, actor=None, request=None):
    record(
        seat.body.municipality_id,
        Action.SEAT_REMOVED,
        seat,
        old=seat_state(seat),
        label=f"{seat.user} – {seat.body}",
        actor=actor,
        person=seat.user,
        request=request,
    )


def record_password_login(organisation, before, *, request=None):
    """Record that an admin switched password login on or off for ``organisation`` (SSO only,
    issue 17), once in every municipality it serves."""
    if before == organisation.password_login:
        return
    for municipality in organisation.municipalities.values_list("pk", flat=True):
        record(
            municipality,
            Action.PASSWORD_LOGIN_CHANGED,
            organisation,
            old={"password_login": before},
            new={"password_login": organisation.password_login},
            request=request,
        )
