"""The API's photos and attachments (issue 16; ``trygghet.api`` says what every endpoint
shares): read only, found exactly as the web views find them (``trygghet.views_files``):
``Photo.objects.restrict`` and ``Attachment.objects.restrict`` keep the rows whose incident,
observation, agreement, plan, meeting, lägesbild or decision the token's membership may read
(each parent's own ``restrict``). A restricted incident's photo is 404 for a private company's
token like the incident itself; another municipality's files are 404 for every token.

- ``GET /api/v1/incidents/{id}/photos/``: an incident's photos (``situation_reports.api``);
- ``GET /api/v1/photos/{id}/`` and ``.../file/``: a photo's description and its JPEG;
- ``GET /api/v1/attachments/`` (``parent_type`` and ``parent_id`` to list one record's),
  ``.../{id}/`` and ``.../{id}/file/``: documents and their files.

A file comes as the web view sends it (``trygghet.files.file_response``: ``private,
no-store``, ``nosniff``, sandboxed), whatever the request's ``Accept`` says."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation

from situation_reports.models import IncidentAccessLog

from .. import files
from ..models import Attachment, AttachmentQuerySet, Photo
from .problems import problem_responses
from .views import MunicipalAPIView, Pagination

PARENT_TYPES = tuple(AttachmentQuerySet.PARENT_MODELS)


class AnyAccept(DefaultContentNegotiation):
    """A file is sent whatever the client accepts (``image/jpeg``, ``application/pdf``): the
    negotiation only picks how a problem is written."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type


def _file_url(request, name, pk):
    return request.build_absolute_uri(reverse(f"api:{name}-file", kwargs={"pk": pk}))


class PhotoSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField(help_text="The JPEG, with the same token.")

    class Meta:
        model = Photo
        # Not the person's file name (it may name someone): the web page does not show it.
        fields = [
            "id",
            "incident",
            "observation",
            "content_type",
            "size",
            "width",
            "height",
            "uploaded_at",
            "file_url",
        ]

    def get_file_url(self, photo) -> str:
        return _file_url(self.context["request"], "photo", photo.pk)


class AttachmentSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="original_name", read_only=True)
    parent_type = serializers.SerializerMethodField()
    parent_id = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField(help_text="The file, with the same token.")

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "title",
            "file_name",
            "content_type",
            "size",
            "uploaded_at",
            "parent_type",
            "parent_id",
            "file_url",
        ]

    @staticmethod
    def _parent_field(attachment):
        return next(name for name in PARENT_TYPES if getattr(attachment, f"{name}_id"))

    @extend_schema_field(serializers.ChoiceField(choices=PARENT_TYPES))
    def get_parent_type(self, attachment) -> str:
        return self._parent_field(attachment)

    def get_parent_id(self, attachment) -> int:
        return getattr(attachment, f"{self._parent_field(attachment)}_id")

    def get_file_url(self, attachment) -> str:
        return _file_url(self.context["request"], "attachment", attachment.pk)


def _pk(view):
    pk = str(view.kwargs.get("pk", ""))
    if not pk.isascii() or not pk.isdigit() or int(pk) > 2**63 - 1:
        raise exceptions.NotFound()
    return int(pk)


class _FileViewSet(MunicipalAPIView, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        found = self.get_queryset().filter(pk=_pk(self)).first()
        if found is None:
            raise exceptions.NotFound()
        return found


FILE_ANSWER = OpenApiResponse(
    OpenApiTypes.BINARY, description="The file (Content-Disposition names it)."
)


@extend_schema_view(
    retrieve=extend_schema(
        summary="One photo",
        description="A photo of an incident or a safety walk's observation the token may read.",
        responses={200: PhotoSerializer, **problem_responses(401, 403, 404, 429)},
    ),
    file=extend_schema(
        summary="A photo's file",
        description="The JPEG, every metadata field removed when it was stored.",
        responses={(200, "image/jpeg"): FILE_ANSWER, **problem_responses(401, 403, 404, 429)},
    ),
)
class PhotoViewSet(_FileViewSet):
    serializer_class = PhotoSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Photo._base_manager.none()
        return Photo.objects.restrict(self.request.membership)

    @action(detail=True, content_negotiation_class=AnyAccept)
    def file(self, request, *args, **kwargs):
        photo = self.get_object()
        if photo.incident_id and photo.incident.is_restricted:
            # As the API's incident does: a restricted incident's photo read counts as read.
            IncidentAccessLog.objects.create(incident_id=photo.incident_id, user=request.user)
        return files.stored_file_response(
            photo, filename=f"photo-{photo.pk}.jpg", content_type=photo.content_type, inline=True
        )


@extend_schema_view(
    list=extend_schema(
        summary="Attachments",
        description=(
            "Documents of the agreements, action plans, meetings, lägesbilder and decisions "
            "the token may read, newest first; parent_type and parent_id list one record's."
        ),
        parameters=[
            OpenApiParameter("parent_type", OpenApiTypes.STR, enum=list(PARENT_TYPES)),
            OpenApiParameter("parent_id", OpenApiTypes.INT),
        ],
        responses={
            200: AttachmentSerializer(many=True),
            **problem_responses(400, 401, 403, 404, 429),
        },
    ),
    retrieve=extend_schema(
        summary="One attachment",
        description="A document of a record the token may read.",
        responses={200: AttachmentSerializer, **problem_responses(401, 403, 404, 429)},
    ),
    file=extend_schema(
        summary="An attachment's file",
        description="The document as it was uploaded (PDF or an office format).",
        responses={
            **{(200, media_type): FILE_ANSWER for media_type in files.DOCUMENT_TYPES},
            **problem_responses(401, 403, 404, 429),
        },
    ),
)
class AttachmentViewSet(_FileViewSet, mixins.ListModelMixin):
    serializer_class = AttachmentSerializer
    pagination_class = Pagination.ordered_by("-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment._base_manager.none()
        return Attachment.objects.restrict(self.request.membership)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        parent_type = self.request.query_params.get("parent_type", "")
        parent_id = self.request.query_params.get("parent_id", "")
        errors = {}
        if parent_type and parent_type not in PARENT_TYPES:
            errors["parent_type"] = [_("One of: %(kinds)s.") % {"kinds": ", ".join(PARENT_TYPES)}]
        if parent_id and (
            not parent_id.isascii() or not parent_id.isdigit() or int(parent_id) > 2**63 - 1
        ):
            errors["parent_id"] = [_("A record’s id: a whole number.")]
        if parent_id and not parent_type and "parent_id" not in errors:
            errors["parent_type"] = [_("Say which kind of record parent_id is.")]
        if errors:
            raise exceptions.ValidationError(errors)
        if parent_type and parent_id:
            return queryset.filter(**{f"{parent_type}_id": int(parent_id)})
        if parent_type:
            return queryset.filter(**{f"{parent_type}__isnull": False})
        return queryset

    @action(detail=True, content_negotiation_class=AnyAccept)
    def file(self, request, *args, **kwargs):
        attachment = self.get_object()
        return files.stored_file_response(
            attachment, filename=attachment.original_name, content_type=attachment.content_type
        )
