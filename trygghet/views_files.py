"""The pages of files (issue 16): a photo shown, an attachment downloaded, added and removed.

A file is found only through its parent: ``Photo.objects.restrict`` and
``Attachment.objects.restrict`` keep the rows whose incident, observation, agreement, plan,
meeting, lägesbild or decision the person may read (each parent model's own ``restrict``), so a
restricted incident's photo is 404 for a private company, and everything of another
municipality is 404 for everyone. ``MEDIA_URL`` is never routed: these views are the only way
to a stored file.

Who may add and remove a parent's attachments is the parent's own edit rule (``PARENTS``);
whether its record still takes changes is ``trygghet.attachments``'s.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from councils.models import Agreement
from councils.permissions import can_manage
from meetings.models import Meeting
from meetings.permissions import can_run_meeting
from situation_reports.models import ActionPlan, Decision, SituationReport
from situation_reports.permissions import can_manage_plans, can_manage_reports

from . import attachments, files
from .access import municipal_view
from .models import Attachment, Photo
from .tenancy import EVERYONE


@dataclass(frozen=True)
class Parent:
    """A kind of record that takes attachments: its model and who may change its attachments
    (the rule of its own edit pages)."""

    model: type
    may_change: object  # (membership, parent) -> bool
    # Whether it has signed minutes besides its documents.
    signed_minutes: bool = False


PARENTS = {
    "agreement": Parent(Agreement, lambda m, p: can_manage(m)),
    "action_plan": Parent(ActionPlan, lambda m, p: can_manage_plans(m)),
    "meeting": Parent(Meeting, can_run_meeting, signed_minutes=True),
    "report": Parent(SituationReport, lambda m, p: can_manage_reports(m)),
    "decision": Parent(Decision, lambda m, p: can_manage_plans(m)),
}


def may_change_attachments(membership, parent):
    return PARENTS[attachments.parent_field(parent)].may_change(membership, parent)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF or an office document (Word, Excel, PowerPoint, OpenDocument)."),
    )

    def __init__(self, *args, signed_minutes=False, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_minutes:
            self.fields["kind"] = forms.ChoiceField(
                label=_("Kind"), choices=Attachment.Kind.choices, initial=Attachment.Kind.DOCUMENT
            )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        # By content, not by name: the stored type is the detected one.
        files.check_upload(uploaded, files.DOCUMENT_TYPES, files.max_document_bytes())
        return uploaded


_send = files.stored_file_response


def _parent(request, field, pk):
    return get_object_or_404(PARENTS[field].model.objects.restrict(request.membership), pk=pk)


@municipal_view(roles=EVERYONE)
def photo(request, pk):
    """A photo, inline, to whoever may read its incident or observation."""
    found = get_object_or_404(Photo.objects.restrict(request.membership), pk=pk)
    return _send(
        found, filename=f"photo-{found.pk}.jpg", content_type=found.content_type, inline=True
    )


@municipal_view(roles=EVERYONE)
def attachment_download(request, pk):
    """An attachment, as a download, to whoever may read its parent."""
    found = get_object_or_404(Attachment.objects.restrict(request.membership), pk=pk)
    return _send(found, filename=found.original_name, content_type=found.content_type)


@municipal_view(roles=EVERYONE)
def attachment_add(request, pk, parent):
    """The form (GET) and the upload (POST, multipart) of a parent's attachment."""
    record = _parent(request, parent, pk)
    if not PARENTS[parent].may_change(request.membership, record):
        raise PermissionDenied
    signed_minutes = PARENTS[parent].signed_minutes
    status = 200
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES, signed_minutes=signed_minutes)
        if form.is_valid():
            try:
                attachments.add_attachment(
                    record,
                    form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data.get("kind", Attachment.Kind.DOCUMENT),
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The attachment is added."))
                return redirect(record.get_absolute_url() + "#attachments")
        status = 400
    else:
        form = AttachmentForm(signed_minutes=signed_minutes)
    return render(
        request,
        "trygghet/attachment_form.html",
        {"form": form, "parent": record, "refusal": attachments.add_refusal(record)},
        status=status,
    )


@municipal_view(roles=EVERYONE)
@require_POST
def attachment_delete(request, pk):
    found = get_object_or_404(Attachment.objects.restrict(request.membership), pk=pk)
    record = found.parent
    if not may_change_attachments(request.membership, record):
        raise PermissionDenied
    try:
        attachments.remove_attachment(found, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The attachment is removed."))
    return redirect(record.get_absolute_url() + "#attachments")
