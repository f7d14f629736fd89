"""``{% attachments_of record %}``: a record's attachments, with the upload form and the
remove buttons for those who may change them (``trygghet.views_files``), on every parent's
page the same way. ``{% photos_of incident_or_observation %}``: its photos."""

from django import template
from django.urls import reverse

from .. import attachments
from ..views_files import PARENTS, AttachmentForm, may_change_attachments

register = template.Library()


@register.inclusion_tag("trygghet/_attachments.html", takes_context=True)
def attachments_of(context, record):
    request = context["request"]
    field = attachments.parent_field(record)
    may_change = may_change_attachments(request.membership, record)
    refusal = attachments.add_refusal(record) if may_change else None
    signed_minutes = PARENTS[field].signed_minutes
    return {
        "csrf_token": context.get("csrf_token"),
        "municipality": request.municipality,
        # The parent is on its own page: the person reads it, so they read its attachments.
        "attachments": record.attachments.select_related("uploaded_by"),
        "may_change": may_change,
        "refusal": refusal,
        # The signed minutes are added after the approval, when documents no longer are.
        "signed_minutes_open": signed_minutes
        and may_change
        and attachments.add_refusal(record, "signed_minutes") is None,
        "form": AttachmentForm(signed_minutes=signed_minutes) if may_change else None,
        "action": reverse(
            f"attachment-add-{field.replace('_', '-')}",
            kwargs={"municipality": request.municipality.slug, "pk": record.pk},
        ),
    }


@register.inclusion_tag("trygghet/_photos.html")
def photos_of(record, municipality):
    return {"photos": list(record.photos.all()), "municipality": municipality, "record": record}
