"""Storing photos and documents (issue 16): the services the views call. The file rules
(content check, metadata stripped) are ``trygghet.files``; the rows ``trygghet.models.Photo``
and ``Attachment``.

Documents follow their parent's record rule: an approved lägesbild, a decided (or replaced)
action plan and a meeting whose minutes are approved are official records, and their
attachments are kept as they were (none added, none removed). The signed minutes are the
exception that proves it: they are added *after* the minutes are approved (that is what they
are), and once added they are part of the record and cannot be removed. Every addition and
removal is in the audit trail."""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, files
from .models import Attachment, Photo
from .tenancy import scopes_disabled

logger = logging.getLogger(__name__)


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
    # behind under a random name that no row and no view names (never served), until
    # ``sweep_orphan_files`` removes it once it is older than its grace period.
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
    # The stored file is deleted once this commits (``_delete_file_after_commit``).
    attachment.delete()


# --- Files no row names -------------------------------------------------------------------------


@receiver(post_delete, sender=Photo, dispatch_uid="trygghet.photo.delete_file")
@receiver(post_delete, sender=Attachment, dispatch_uid="trygghet.attachment.delete_file")
def _delete_file_after_commit(sender, instance, **kwargs):
    """A photo or attachment row deleted, on its own or with its parent (an incident, an
    observation, a safety walk with its observations: Django's cascade sends this for each
    row): its stored file goes once the deletion commits, never before (a rollback keeps both).
    An attachment's parent cannot be deleted while it has attachments (``PROTECT``): they are
    part of its record. Connected when the app is ready (``TrygghetConfig.ready``)."""
    name = instance.file.name
    if not name:
        return
    storage = instance.file.storage

    def delete():
        try:
            storage.delete(name)
        except Exception:  # the store is down: the sweep finds the file later
            logger.warning("Could not delete the stored file %s of a deleted row", name)

    transaction.on_commit(delete, robust=True)


# Where ``add_photo`` and ``add_attachment`` store their files (``files.stored_name``).
STORED_PREFIXES = ("photos", "attachments")
# A file no row names is removed only when it is older than this: a file written by a
# transaction still open (an upload under way) has no committed row yet.
ORPHAN_GRACE = datetime.timedelta(days=1)


@dataclass
class Sweep:
    """What ``sweep_orphan_files`` found: the names removed (or, on a dry run, that would be),
    and how many stored files were kept because a row names them or they are too recent."""

    dry_run: bool
    removed: list = field(default_factory=list)
    named: int = 0
    recent: int = 0


def _stored_files(storage, prefix):
    """Every file name under ``prefix`` in ``storage`` (walked through its folders)."""
    try:
        folders, names = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        yield f"{prefix}/{name}"
    for folder in folders:
        yield from _stored_files(storage, f"{prefix}/{folder}")


def _named(candidates):
    """Those of ``candidates`` that a photo or an attachment row names, in any municipality."""
    named = set()
    candidates = list(candidates)
    with scopes_disabled():
        for start in range(0, len(candidates), 1000):
            chunk = candidates[start : start + 1000]
            for model in (Photo, Attachment):
                named.update(
                    model._base_manager.filter(file__in=chunk).values_list("file", flat=True)
                )
    return named


def sweep_orphan_files(*, grace=ORPHAN_GRACE, dry_run=False, now=None, storage=None):
    """Remove the stored photos and documents that no row names (written by a transaction that
    rolled back, or left by a row deleted when the store did not answer), once they are older
    than ``grace``; a newer one may belong to an upload whose transaction is still open, and is
    kept. Each removal is logged; ``dry_run`` removes nothing and says what it would remove.
    Returns a ``Sweep``. Safe to run twice, or at once: a file already gone is skipped."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - grace
    result = Sweep(dry_run=dry_run)
    old = []
    for prefix in STORED_PREFIXES:
        for name in _stored_files(storage, prefix):
            try:
                modified = storage.get_modified_time(name)
            except (FileNotFoundError, OSError):
                continue
            if timezone.is_naive(modified):
                modified = timezone.make_aware(modified, datetime.UTC)
            if modified > cutoff:
                result.recent += 1
            else:
                old.append(name)
    # Read after the listing: a row committed meanwhile is seen.
    named = _named(old)
    result.named = len(named)
    for name in old:
        if name in named:
            continue
        if dry_run:
            logger.info("Orphan file (dry run, kept): %s", name)
        else:
            storage.delete(name)
            logger.info("Orphan file removed: %s", name)
        result.removed.append(name)
    logger.info(
        "Orphan files %s: %d; named by a row: %d; too recent to judge: %d",
        "found (dry run)" if dry_run else "removed",
        len(result.removed),
        result.named,
        result.recent,
    )
    return result
