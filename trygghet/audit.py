"""Writing and reading the audit trail of what decides access (``trygghet.models.AuditEvent``).

The code that makes a change calls ``record(...)`` itself, inside the transaction of the change:
if the change rolls back, so does its event, and no change commits without one. There are no
signals: a reader of a service or view sees what it records.

Values in ``old`` and ``new`` are stored as codes (``"partner"``, ``"restricted"``) and
translated when shown (``changes``), so the trail reads in the viewer's language.
"""

import ipaddress

from axes.helpers import get_client_ip_address
from django.apps import apps
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

Action = AuditEvent.Action


def client_address(request):
    """The client's address as the login protection sees it (through the configured proxy),
    or None when there is no request or no valid address."""
    if request is None:
        return None
    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def record(
    municipality,
    action,
    obj,
    *,
    old=None,
    new=None,
    actor=None,
    person=None,
    request=None,
    label=None,
):
    """Write one event about ``obj`` in ``municipality`` (an instance or an id), in the caller's
    transaction. ``label`` (default ``str(obj)``) is how the trail names the object, kept as
    text. ``actor`` defaults to the request's user; without either it is the system (or a
    guest with a share link)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    event = AuditEvent(
        municipality_id=getattr(municipality, "pk", municipality),
        action=action,
        actor=actor if actor is not None and actor.pk is not None else None,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_label=(label or str(obj))[:300],
        person=person,
        old=old or {},
        new=new or {},
        client_address=client_address(request),
    )
    # A plain INSERT through the base manager: works outside any scope (admin, commands).
    event.save(force_insert=True)
    return event


# --- Reading ------------------------------------------------------------------------------------


def _yes_no(value):
    return _("yes") if value else _("no")


def _active(value):
    return _("active") if value else _("inactive")


def _date(value):
    day = parse_date(value) if isinstance(value, str) else value
    return formats.date_format(day, "Y-m-d") if day else value


def _datetime(value):
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return value
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _choice(model_path, choices_name):
    def show(value):
        app_label, model_name = model_path.split(".")
        choices = getattr(apps.get_model(app_label, model_name), choices_name)
        return dict(choices.choices).get(value, value)

    return show


def _scopes(value):
    show = _choice("councils.ApiToken", "Scope")
    return ", ".join(str(show(code)) for code in value) if isinstance(value, list) else value


def _levels(value):
    """A sharing's levels, stored as codes (``figures``, ``summaries``)."""
    words = {
        "figures": _("incident counts per 1,000 inhabitants"),
        "summaries": _("public summaries"),
    }
    if not isinstance(value, list):
        return value
    return ", ".join(str(words.get(code, code)) for code in value) or str(_("nothing"))


# Every key an event may carry: its label and how its stored value reads. The choices are
# looked up when shown (the apps that own them are loaded by then).
FIELDS = {
    "role": (_("role"), _choice("councils.MunicipalityMembership", "Role")),
    "organisation": (_("organisation"), str),
    "reads_restricted": (_("reads restricted incidents"), _yes_no),
    "is_active": (_("status"), _active),
    "kind": (_("kind"), _choice("councils.Organisation", "Kind")),
    "body": (_("body"), str),
    "seat_role": (_("role in the body"), _choice("councils.Membership", "Role")),
    "start_date": (_("from"), _date),
    "end_date": (_("to"), _date),
    "label": (_("for whom"), str),
    "shows": (_("shows"), str),
    "expires_at": (_("expires"), _datetime),
    "revoked_at": (_("revoked"), _datetime),
    "user_agent": (_("browser"), str),
    "scopes": (_("permissions"), _scopes),
    "confidentiality": (
        _("confidentiality"),
        _choice("situation_reports.Incident", "Confidentiality"),
    ),
    "shared_with": (_("shared with"), str),
    "levels": (_("what is shared"), _levels),
    "regional_role": (_("regional role"), str),
    "report": (_("situation report"), str),
    "withdrawn_at": (_("withdrawn"), _datetime),
    "title": (_("title"), str),
    "file_name": (_("file name"), str),
    "attachment_kind": (_("kind"), _choice("trygghet.Attachment", "Kind")),
    "attached_to": (_("attached to"), str),
    "password_login": (_("password login"), _yes_no),
    "version": (_("version"), str),
    "decided_by": (_("decided by"), str),
    "decided_on": (_("decided on"), _date),
    "reference": (_("reference"), str),
    "valid_from": (_("valid from"), _date),
    "rules": (_("rules"), str),
}


def changes(event):
    """What the event records, readable: a list of ``(label, old, new)``; ``old`` is None for
    an event without a before (something added or opened), ``new`` None for one without an
    after (something removed)."""
    rows = []
    for key in dict.fromkeys([*event.old, *event.new]):
        if key not in FIELDS:
            continue
        label, show = FIELDS[key]
        rows.append(
            (
                label,
                _show(show, event.old.get(key)) if event.old else None,
                _show(show, event.new.get(key)) if event.new else None,
            )
        )
    return rows


def _show(show, value):
    if value is None or value == "":
        return "–"
    return show(value)


def object_type_label(event):
    """The object's kind in words ("municipal role", "share link"), from its model."""
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return event.object_type
    return model._meta.verbose_name
