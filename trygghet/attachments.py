"""Storing photos and documents (issue 16): the services the views call. The file rules
(content check, metadata stripped) are ``trygghet.files``; the rows ``trygghet.models.Photo``
and ``Attachment``.

Documents follow their parent's record rule: an approved lägesbild, a decided (or replaced)
action plan and a meeting whose minutes are approved are official records, and their
attachments are kept as they were (none added, none removed). The signed minutes are the
exception that proves it: they are added *after* the minutes are approved (that is what they
are), and once added they are part of the record and cannot be removed. Every addition and
removal is in the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, files
from .models import Attachment, Photo


@transaction.atomic
def add_photo(parent, uploaded, *, user=None, use_location=False):
    """Store ``uploaded`` as a photo of ``parent`` (an incident or an observation), without any
    of its metadata. With ``use_location``, the position its EXIF named fills the parent's
    position fields when they are empty. Returns the ``Photo``; ``ValidationError`` (with a
    message for the person) for a file that is not a readable photo: nothing is stored then."""
    clean = files.clean_photo(uploaded)
    field = "incident" if parent._meta.model_name == "incident" else "observation"
    photo = Photo(
        municipality_id=parent.municipality_id,
        original_name=files.safe_name(uploaded.name or "photo.jpg"),
        content_type="image/jpeg",
        size=clean.content.size,
        width=clean.width,
        height=clean.height,
        uploaded_by=user,
        **{field: parent},
    )
    # The file is written before the row; should the transaction roll back, the file stays
    # behind under a random name that no row and no view names (never served).
    photo.file.save(files.stored_name(f"photos/{field}s", "jpg"), clean.content, save=False)
    photo.save()
    if use_location and clean.latitude is not None and parent.latitude is None:
        parent.latitude, parent.longitude = clean.latitude, clean.longitude
        parent.save(update_fields=["latitude", "longitude"])
    return photo


# --- Documents ----------------------------------------------------------------------------------

# What an attachment's parent is, by its model: the field of ``Attachment`` that names it.
PARENT_FIELDS = {
    "agreement": "agreement",
    "actionplan": "action_plan",
    "meeting": "meeting",
    "situationreport": "report",
    "decision": "decision",
}


def parent_field(parent):
    return PARENT_FIELDS[parent._meta.model_name]


def _is_record(parent):
    """Whether ``parent`` is an official record now, as the database holds it: an approved
    lägesbild, a decided or replaced action plan, a meeting whose minutes are approved. An
    agreement and an entry of the decision register stay editable (their models have no lock),
    and so do their attachments."""
    field = parent_field(parent)
    stored = type(parent)._base_manager.get(pk=parent.pk)
    if field in ("report", "action_plan", "meeting"):
        return stored.is_locked
    return False


def add_refusal(parent, kind=Attachment.Kind.DOCUMENT):
    """Why an attachment of ``kind`` cannot be added to ``parent`` now (a message), or None."""
    is_record = _is_record(parent)
    if kind == Attachment.Kind.SIGNED_MINUTES:
        if parent_field(parent) != "meeting":
            return _("Only a meeting has signed minutes.")
        if not is_record:
            # Their point: the minutes as approved, signed. Before that there is nothing to sign.
            return _("The signed minutes can be added once the minutes are approved.")
        return None
    if is_record:
        return _(
            "This is an official record now (approved or decided): its attachments are kept "
            "as they were and none can be added."
        )
    return None


def remove_refusal(attachment):
    """Why ``attachment`` cannot be removed now (a message), or None."""
    if attachment.kind == Attachment.Kind.SIGNED_MINUTES:
        return _("The signed minutes are part of the official record: they cannot be removed.")
    if _is_record(attachment.parent):
        return _(
            "This is an official record now (approved or decided): its attachments are kept "
            "as they were and none can be removed."
        )
    return None


def _audit_values(attachment):
    return {
        "title": attachment.title,
        "file_name": attachment.original_name,
        "attachment_kind": attachment.kind,
        "attached_to": str(attachment.parent),
    }


@transaction.atomic
def add_attachment(parent, uploaded, *, title, kind=Attachment.Kind.DOCUMENT, request=None):
    """Store ``uploaded`` as a document of ``parent``, checked by its content (PDF or an
    office format, at most ``UPLOAD_MAX_DOCUMENT_BYTES``), and record it in the audit trail.
    ``ValidationError`` with a message for the person when the file or the parent refuses:
    nothing is stored then."""
    refusal = add_refusal(parent, kind)
    if refusal:
        raise ValidationError(refusal, code="record_locked")
    checked = files.check_upload(uploaded, files.DOCUMENT_TYPES, files.max_document_bytes())
    user = getattr(request, "user", None)
    field = parent_field(parent)
    attachment = Attachment(
        municipality_id=parent.municipality_id,
        kind=kind,
        title=title[:200],
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=user if user is not None and user.is_authenticated else None,
        **{field: parent},
    )
    uploaded.seek(0)
    attachment.file.save(
        files.stored_name(f"attachments/{field}", checked.extension), uploaded, save=False
    )
    name = attachment.file.name
    # Should the row not be written, the file goes too: nothing half-saved.
    try:
        attachment.save()
        audit.record(
            parent.municipality_id,
            audit.Action.ATTACHMENT_ADDED,
            attachment,
            new=_audit_values(attachment),
            request=request,
        )
    except Exception:
        attachment.file.storage.delete(name)
        raise
    return attachment


@transaction.atomic
def remove_attachment(attachment, *, request=None):
    """Remove a document from its (not yet approved or decided) parent, with its audit event;
    the stored file is deleted once the removal commits."""
    refusal = remove_refusal(attachment)
    if refusal:
        raise ValidationError(refusal, code="record_locked")
    audit.record(
        attachment.municipality_id,
        audit.Action.ATTACHMENT_REMOVED,
        attachment,
        old=_audit_values(attachment),
        request=request,
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
