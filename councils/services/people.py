"""People and organisations of a municipality, managed by its own admins and coordinators.

Plain functions, called by the pages (councils/views/people.py and organisations.py) and usable
from the shell. Who may do what is decided in ``councils.permissions``.
A person is a ``User`` (one per e-mail address, across municipalities) with one
``MunicipalityMembership`` per municipality; a new user is invited with Django's standard
password-reset link, queued in the outbox with the new membership and sent after commit.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from councils import audit, permissions
from councils.models import MunicipalityMembership, Organisation, User
from trygghet import access
from trygghet.forms import PasswordResetForm

logger = logging.getLogger(__name__)


def user_with_email(email):
    """The user with this e-mail address (case-insensitively), or None."""
    return User.objects.filter(email__iexact=email.strip()).order_by("pk").first()


def username_for(email):
    """A free username derived from the e-mail address: the address itself, lower-cased,
    with a number appended when it is taken."""
    base = email.strip().lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def check_organisation_change(acting, current, new):
    if not permissions.can_set_organisation(acting, current, new):
        raise ValidationError(
            {
                "organisation": _(
                    "Only an administrator puts a person into a public authority (municipal "
                    "administration, police, rescue service) or takes them out of one."
                )
            }
        )


@transaction.atomic
def add_person(
    municipality,
    *,
    first_name,
    last_name,
    email,
    role,
    organisation=None,
    title="",
    domain=None,
    use_https=True,
    acting=None,
    request=None,
):
    """Give a person a role in ``municipality``. Returns ``(membership, created)``; the
    membership's user is invited (after commit) when it has no usable password.

    A person who already has an account (e.g. a police officer working in two municipalities)
    gets a new membership on that account, never a second user; ``created`` is then False.
    A new user gets an unusable password and, after commit, an invitation to set one.
    ``acting`` is the membership doing it (see ``permissions.can_set_organisation``).
    """
    check_organisation_change(acting, None, organisation)
    if (
        organisation is not None
        and not organisation.municipalities.filter(pk=municipality.pk).exists()
    ):
        raise ValidationError(
            {"organisation": _("This organisation does not serve the municipality.")}
        )
    user = user_with_email(email)
    created = user is None
    if created:
        user = User(
            username=username_for(email),
            email=email.strip(),
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        user.set_unusable_password()
        user.save()
    elif MunicipalityMembership.objects.filter(user=user, municipality=municipality).exists():
        raise ValidationError(
            {
                "email": _(
                    "A person with this e-mail address already has a role in the municipality "
                    "(perhaps inactive): change it in the list of people."
                )
            }
        )
    membership = MunicipalityMembership.objects.create(
        user=user, municipality=municipality, role=role, organisation=organisation, title=title
    )
    audit.record_membership(None, membership, request=request)
    # An existing account that never had a password (e.g. a council member entered by the
    # operators, who did not log in until now) is invited too.
    if created or not user.has_usable_password():
        queue_invitation(user, municipality, domain, use_https)
    return membership, created


class InvitationForm(PasswordResetForm):
    """Django's password-reset form, for a person who has never had a password: the standard
    form only mails users with a usable one."""

    def __init__(self, *args, user, **kwargs):
        self.invited_user = user
        super().__init__(*args, data={"email": user.email}, **kwargs)

    def get_users(self, email):
        if self.invited_user.is_active and self.invited_user.email:
            yield self.invited_user

    def outbox_key(self, context):
        return f"invitation:{context['user'].pk}:{context['municipality'].pk}"


def queue_invitation(user, municipality, domain=None, use_https=True):
    """Queue the standard password-reset link to the user, worded as an invitation, in the
    current language; it is sent after the transaction commits."""
    form = InvitationForm(user=user)
    form.is_valid()
    form.save(
        domain_override=domain,
        use_https=use_https,
        subject_template_name="councils/email/invitation_subject.txt",
        email_template_name="councils/email/invitation.txt",
        extra_email_context={"municipality": municipality, "person": user},
    )
    logger.info("invitation to user %s queued", user.pk)


def admin_count(municipality):
    return MunicipalityMembership.objects.filter(
        municipality=municipality, role=access.ADMIN, is_active=True, user__is_active=True
    ).count()


@transaction.atomic
def change_membership(membership, *, acting, role, organisation, title, is_active, request=None):
    """Change a person's role, organisation, title or active flag in the municipality.

    Rules (a ValidationError, nothing saved): nobody demotes or deactivates themselves, and
    the last active admin of a municipality stays one. Deactivating keeps the row (history of
    seats and authorship stays); the person just cannot reach the municipality any more.
    """
    # Lock the municipality's admin rows: two admins demoting each other at once must not
    # leave the municipality without one.
    list(
        MunicipalityMembership.objects.select_for_update()
        .filter(municipality_id=membership.municipality_id, role=access.ADMIN)
        .values_list("pk", flat=True)
    )
    current = MunicipalityMembership.objects.get(pk=membership.pk)
    loses_admin = current.is_admin and current.is_active and (role != access.ADMIN or not is_active)
    if acting.pk is not None and acting.pk == current.pk:
        if role != current.role:
            raise ValidationError({"role": _("You cannot change your own role.")})
        if not is_active:
            raise ValidationError({"is_active": _("You cannot deactivate yourself.")})
    check_organisation_change(acting, current.organisation, organisation)
    if loses_admin and admin_count(current.municipality) <= 1:
        raise ValidationError(
            _(
                "%(person)s is the municipality's only administrator. "
                "Make someone else administrator first."
            )
            % {"person": current.user}
        )
    before = audit.membership_state(current)
    current.role = role
    current.organisation = organisation
    current.title = title
    current.is_active = is_active
    current.save(update_fields=["role", "organisation", "title", "is_active"])
    audit.record_membership(before, current, actor=acting.user, request=request)
    return current


@transaction.atomic
def add_organisation(municipality, *, name, short_name="", kind, acting=None, request=None):
    """Add an organisation to the municipality. Returns ``(organisation, created)``.

    Names are unique: an organisation of that name (any case) that already serves other
    municipalities (a rescue service, a police area) is attached to this one, unchanged; only
    an admin attaches a public authority (``acting`` None: the operators' shell, the demo).
    """
    existing = Organisation.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        if existing.municipalities.filter(pk=municipality.pk).exists():
            raise ValidationError({"name": _("This organisation already serves the municipality.")})
        if existing.is_public_authority and not permissions.can_make_public_authority(acting):
            raise ValidationError(
                {
                    "name": _(
                        "An organisation of this name is a public authority: only an "
                        "administrator adds it to the municipality."
                    )
                }
            )
        existing.municipalities.add(municipality)
        audit.record_organisation(existing, None, request=request, municipalities=[municipality.pk])
        return existing, False
    organisation = Organisation.objects.create(
        name=name.strip(), short_name=short_name.strip(), kind=kind
    )
    organisation.municipalities.add(municipality)
    audit.record_organisation(organisation, None, request=request)
    return organisation, True
