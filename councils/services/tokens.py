"""Making and revoking API tokens (``councils.models.ApiToken``), each recorded in the audit
trail in the same transaction, like the other changes of who sees what."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygghet import audit

from ..models import ApiToken
from ..models.tokens import hash_secret, new_secret


def create_token(
    membership, *, name, can_read, can_write_incidents, actor, request=None, secret=None
):
    """A token for ``membership``'s organisation in its municipality, issued through that
    person; returns ``(token, secret)``. The secret is not kept: show it once. ``secret`` is
    for the demo only (its token is documented)."""
    if membership.organisation_id is None:
        raise ValidationError(_("A token is for an organisation: this person has none."))
    if not (can_read or can_write_incidents):
        raise ValidationError(_("Choose at least one permission."))
    secret = secret or new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            municipality=membership.municipality,
            organisation=membership.organisation,
            person=membership.user,
            name=name,
            can_read=can_read,
            can_write_incidents=can_write_incidents,
            prefix=secret[len("tryg_") :][:8],
            token_hash=hash_secret(secret),
            created_by=actor if actor is not None and actor.pk else None,
        )
        audit.record(
            token.municipality_id,
            audit.Action.API_TOKEN_CREATED,
            token,
            new={
                "organisation": str(token.organisation),
                "label": str(membership.user),
                "scopes": token.scopes,
            },
            actor=actor,
            person=membership.user,
            request=request,
        )
    return token, secret


def revoke_token(token, *, actor, request=None):
    """Revoke the token at once (revoking twice changes nothing)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            token.municipality_id,
            audit.Action.API_TOKEN_REVOKED,
            token,
            new={"revoked_at": token.revoked_at.isoformat()},
            actor=actor,
            person=token.person,
            request=request,
        )
    return token
