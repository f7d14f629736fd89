"""The API's meetings (``trygghet.api`` says what every endpoint shares): the meetings the
token's partner membership may see (``visible_meetings``, as the meeting list does), and each
one's shareable agenda: the items marked visible to guests, with the description the reader
may read (the count rule: a private company's system reads the figures of open incidents)."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets

from trygghet.api.problems import problem_responses
from trygghet.api.views import MunicipalAPIView, Pagination

from .models import AgendaItem, Meeting
from .selectors import visible_meetings


class AgendaItemSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "title", "description", "presenter", "minutes_allotted"]

    def get_title(self, item) -> str:
        return item.heading

    def get_description(self, item) -> str:
        return item.description_for(self.context["request"].membership)


class MeetingSerializer(serializers.ModelSerializer):
    body_name = serializers.CharField(source="body.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "title", "kind", "status", "body", "body_name", "start", "end", "place"]


class MeetingDetailSerializer(MeetingSerializer):
    agenda = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda"]

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_agenda(self, meeting):
        items = meeting.agenda_items.filter(shareable=True).order_by("position", "pk")
        return AgendaItemSerializer(items, many=True, context=self.context).data


@extend_schema_view(
    list=extend_schema(
        summary="Meetings",
        description=(
            "The meetings the token's contact person may see (of the bodies they sit in, or "
            "invited to), newest first."
        ),
        responses={200: MeetingSerializer(many=True), **problem_responses(400, 401, 403, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One meeting, with its shareable agenda",
        responses={200: MeetingDetailSerializer, **problem_responses(401, 403, 404, 429)},
    ),
)
class MeetingViewSet(
    MunicipalAPIView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_value_regex = "[0-9]+"
    pagination_class = Pagination.ordered_by("-start", "-id")

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def get_queryset(self):
        return visible_meetings(self.request.membership)

    def get_object(self):
        pk = self.kwargs.get("pk", "")
        if not pk.isascii() or not pk.isdigit() or int(pk) > 2**63 - 1:
            raise exceptions.NotFound()
        meeting = self.get_queryset().filter(pk=int(pk)).first()
        if meeting is None:
            raise exceptions.NotFound()
        return meeting
