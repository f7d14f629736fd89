"""The API's endpoints of this app: incidents (read, and log with an ``Idempotency-Key``),
categories, upcoming events and approved situation reports (``trygghet.api`` says what they
share). Each starts from ``restrict(request.membership)``, as the pages do; logging goes
through the web form (``IncidentForm``), so an incident from a system is checked exactly as one
typed in (personal identity numbers, dates, the municipality's categories and areas, text
limits, control characters)."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from councils.models import ApiIdempotencyKey, ApiToken
from trygghet.api.files import PhotoSerializer
from trygghet.api.problems import IdempotencyKeyReused, problem_responses
from trygghet.api.views import MembershipFilterBackend, MunicipalAPIView, Pagination
from trygghet.limits import has_control_characters
from trygghet.models import Photo

from . import permissions
from .filters import IncidentFilter
from .forms.incidents import IncidentForm
from .models import Incident, IncidentAccessLog, IncidentCategory, SituationReport, UpcomingEvent
from .services.figures import figures_for

MAX_IDEMPOTENCY_KEY_LENGTH = 200


# --- Incidents ----------------------------------------------------------------------------------


class ApiIncidentFilter(IncidentFilter):
    """The list page's filter without its ``sort``: the API's pages follow one order (newest
    first), which is what a cursor needs to be stable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("sort", None)


ApiIncidentFilter.base_filters.pop("sort", None)


class IncidentSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True, allow_null=True)
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, allow_null=True
    )
    police_url = serializers.CharField(source="police_link", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "occurred_on",
            "started_at",
            "ended_at",
            "part_of_day",
            "category",
            "category_name",
            "area",
            "area_name",
            "place",
            "latitude",
            "longitude",
            "description",
            "severity",
            "confidentiality",
            "status",
            "source",
            "organisation",
            "organisation_name",
            "police_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class IncidentInputSerializer(serializers.Serializer):
    """The shape of a new incident; its meaning is checked by the web form."""

    category = serializers.IntegerField(min_value=1)
    occurred_on = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True)
    part_of_day = serializers.ChoiceField(
        choices=Incident.PartOfDay.choices, required=False, allow_blank=True
    )
    end_on = serializers.DateField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    area = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=5, required=False, allow_null=True, coerce_to_string=False
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=5, required=False, allow_null=True, coerce_to_string=False
    )
    description = serializers.CharField(trim_whitespace=False)
    severity = serializers.ChoiceField(choices=Incident.Severity.choices, required=False)
    confidentiality = serializers.ChoiceField(
        choices=Incident.Confidentiality.choices, required=False
    )

    def as_form_data(self):
        """The validated values as the web form receives them (strings)."""
        data = self.validated_data
        form = {"confirm_duplicate": "on"}
        for key, value in data.items():
            if value is None:
                continue
            if key == "start_time" or key == "end_time":
                form[key] = value.strftime("%H:%M")
            else:
                form[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        form.setdefault("severity", str(Incident.Severity.MEDIUM))
        form.setdefault("confidentiality", Incident.Confidentiality.OPEN)
        return form


class RestrictedReceiptSerializer(serializers.Serializer):
    """The answer to a private company's token that logged a restricted incident: it is
    saved, and from then on the company cannot read it (as on the web form)."""

    confidentiality = serializers.ChoiceField(choices=[Incident.Confidentiality.RESTRICTED])
    detail = serializers.CharField()


CREATED = PolymorphicProxySerializer(
    component_name="IncidentCreated",
    serializers=[IncidentSerializer, RestrictedReceiptSerializer],
    resource_type_field_name=None,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "A key of the client's choosing (1–200 visible ASCII characters), new for each new "
        "incident. A retry with the same key and body answers 200 with the incident the "
        "first request logged, never a second one; the same key with another body is 422."
    ),
)


def idempotency_key(request):
    key = request.headers.get("Idempotency-Key", "")
    if (
        not key
        or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH
        or not key.isascii()
        or has_control_characters(key, single_line=True)
    ):
        raise exceptions.ValidationError(
            {
                "Idempotency-Key": [
                    _(
                        "Send an Idempotency-Key header: 1 to 200 visible ASCII characters, "
                        "new for each new incident."
                    )
                ]
            }
        )
    return key


def fingerprint(data):
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str, ensure_ascii=True).encode()
    ).hexdigest()


def log_page_access(incidents, user):
    """The API returns the full text, as an export does: each restricted incident in a page
    counts as read (``IncidentAccessLog``)."""
    now = timezone.now()
    IncidentAccessLog.objects.bulk_create(
        [
            IncidentAccessLog(incident_id=incident.pk, user=user, accessed_at=now)
            for incident in incidents
            if incident.is_restricted
        ]
    )


class FormInvalid(exceptions.ValidationError):
    pass


@extend_schema_view(
    list=extend_schema(
        summary="Incidents",
        description=(
            "The incidents the token's organisation may read, newest first (by date, then "
            "id), with the list page's filters. Withdrawn incidents only with status=all "
            "or status=withdrawn."
        ),
        responses={
            200: IncidentSerializer(many=True),
            **problem_responses(400, 401, 403, 404, 429),
        },
    ),
    retrieve=extend_schema(
        summary="One incident",
        responses={200: IncidentSerializer, **problem_responses(401, 403, 404, 429)},
    ),
    photos=extend_schema(
        summary="An incident's photos",
        description=(
            "The photos of an incident the token may read (a restricted incident's are as "
            "hidden as the incident), oldest first; each file at its file_url."
        ),
        responses={200: PhotoSerializer(many=True), **problem_responses(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Log an incident",
        description=(
            "Needs the write_incidents scope and an Idempotency-Key. Checked as the web form "
            "checks it. The source organisation is the token's."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=IncidentInputSerializer,
        responses={
            201: CREATED,
            200: OpenApiResponse(CREATED, description="A retry: what the first request made."),
            **problem_responses(400, 401, 403, 415, 422, 429),
        },
    ),
)
class IncidentViewSet(
    MunicipalAPIView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = IncidentSerializer
    filter_backends = [MembershipFilterBackend]
    filterset_class = ApiIncidentFilter
    pagination_class = Pagination.ordered_by("-occurred_on", "-id")
    write_scope = ApiToken.Scope.WRITE_INCIDENTS
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: only the model is read
            return Incident._base_manager.none()
        return Incident.objects.restrict(self.request.membership).select_related(
            "category", "area", "organisation"
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        log_page_access(page, request.user)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        # The detail is not filtered: a withdrawn incident is found by its id too.
        incident = self.get_object_from(self.get_queryset())
        log_page_access([incident], request.user)
        return Response(self.get_serializer(incident).data)

    @action(detail=True, pagination_class=None, filter_backends=[])
    def photos(self, request, *args, **kwargs):
        incident = self.get_object_from(self.get_queryset())
        photos = Photo.objects.restrict(request.membership).filter(incident=incident)
        return Response(PhotoSerializer(photos, many=True, context={"request": request}).data)

    def get_object_from(self, queryset):
        pk = self.kwargs.get("pk", "")
        if not str(pk).isascii() or not str(pk).isdigit() or int(pk) > 2**63 - 1:
            raise exceptions.NotFound()
        incident = queryset.filter(pk=int(pk)).first()
        if incident is None:
            raise exceptions.NotFound()
        return incident

    def create(self, request, *args, **kwargs):
        membership = request.membership
        token = request.auth.token
        if not permissions.can_log(membership):
            raise exceptions.PermissionDenied()
        key = idempotency_key(request)
        given = IncidentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        body_print = fingerprint(request.data)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = ApiIdempotencyKey.objects.create(
                        municipality=request.municipality,
                        token=token,
                        key=key,
                        fingerprint=body_print,
                        object_type=Incident._meta.label_lower,
                    )
            except IntegrityError:
                # The key is known (a retry, or a request running at the same time, which the
                # unique constraint made wait for the first to commit).
                record = ApiIdempotencyKey.objects.get(token=token, key=key)
                if record.fingerprint != body_print:
                    raise IdempotencyKeyReused() from None
                return self._answer(record.object_id, status.HTTP_200_OK)
            form = IncidentForm(data=given.as_form_data(), membership=membership)
            if not form.is_valid():
                # Rolls the key back with everything else: a corrected retry may use it.
                raise FormInvalid(_form_errors(form))
            incident = form.save(commit=False)
            incident.municipality = request.municipality
            incident.created_by = request.user
            incident.source = Incident.Source.MANUAL
            incident._change_reason = f"API: {token.name}"[:100]
            incident.save()
            record.object_id = incident.pk
            record.save(update_fields=["object_id"])
        return self._answer(incident.pk, status.HTTP_201_CREATED)

    def _answer(self, pk, status_code):
        incident = self.get_queryset().filter(pk=pk).first()
        if incident is None:
            # Restricted, and the token may not read restricted incidents (or no longer one).
            body = RestrictedReceiptSerializer(
                {
                    "confidentiality": Incident.Confidentiality.RESTRICTED,
                    "detail": str(
                        _(
                            "The incident was saved as restricted: only public authorities "
                            "can see it now."
                        )
                    ),
                }
            ).data
            return Response(body, status=status_code)
        return Response(self.get_serializer(incident).data, status=status_code)


def _form_errors(form):
    """The web form's messages by the API's field names (the form's ``__all__`` as the
    request's own errors)."""
    return {
        ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


# --- Categories, upcoming events, situation reports --------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    is_national = serializers.BooleanField(read_only=True)

    class Meta:
        model = IncidentCategory
        fields = ["id", "code", "name", "description", "is_national"]


@extend_schema_view(
    list=extend_schema(
        summary="Incident categories",
        description="The national list and the municipality's own, active ones.",
        responses={200: CategorySerializer(many=True), **problem_responses(401, 403, 429)},
    )
)
class CategoryViewSet(MunicipalAPIView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return IncidentCategory.objects.available_to(self.request.municipality).order_by(
            "position", "name", "pk"
        )


class UpcomingEventSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True, allow_null=True)

    class Meta:
        model = UpcomingEvent
        fields = [
            "id",
            "title",
            "kind",
            "starts_on",
            "ends_on",
            "area",
            "area_name",
            "expected_effect",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="Upcoming events",
        description="What is coming (horizon scanning): events that have not ended, soonest first.",
        responses={
            200: UpcomingEventSerializer(many=True),
            **problem_responses(400, 401, 403, 404, 429),
        },
    )
)
class UpcomingEventViewSet(MunicipalAPIView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = UpcomingEventSerializer
    pagination_class = Pagination.ordered_by("starts_on", "id")

    def get_queryset(self):
        today = timezone.localdate()
        return (
            UpcomingEvent.objects.restrict(self.request.membership)
            .filter(Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today))
            .select_related("area")
        )


class SituationReportSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    figures = serializers.SerializerMethodField(
        help_text=(
            "Totals and counts by category and area, from the incidents the token's "
            "organisation may read (null for a report compiled before both were kept)."
        )
    )

    class Meta:
        model = SituationReport
        fields = [
            "id",
            "title",
            "kind",
            "body",
            "meeting",
            "period_start",
            "period_end",
            "version",
            "approved_at",
            "figures",
        ]

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": True})
    def get_figures(self, report):
        data = figures_for(report.data, self.context["request"].membership)
        if not data:
            return None
        return {key: data.get(key) for key in ("totals", "categories", "areas")}


@extend_schema_view(
    list=extend_schema(
        summary="Approved situation reports",
        description=(
            "Approved lägesbilder, newest first, at the level a partner may read: the figures "
            "(from open incidents for a private company), not the texts nor the incidents."
        ),
        responses={
            200: SituationReportSerializer(many=True),
            **problem_responses(400, 401, 403, 404, 429),
        },
    ),
    retrieve=extend_schema(
        summary="One approved situation report",
        responses={200: SituationReportSerializer, **problem_responses(401, 403, 404, 429)},
    ),
)
class SituationReportViewSet(
    MunicipalAPIView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = SituationReportSerializer
    lookup_value_regex = "[0-9]+"
    pagination_class = Pagination.ordered_by("-period_end", "-id")

    def get_queryset(self):
        return (
            SituationReport.objects.restrict(self.request.membership)
            .approved()
            .select_related("meeting", "body", "municipality")
        )

    def get_object(self):
        pk = self.kwargs.get("pk", "")
        if not str(pk).isascii() or not str(pk).isdigit() or int(pk) > 2**63 - 1:
            raise exceptions.NotFound()
        report = self.get_queryset().filter(pk=int(pk)).first()
        if report is None:
            raise exceptions.NotFound()
        return report
