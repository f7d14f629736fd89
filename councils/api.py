"""The API's areas of the municipality (``trygghet.api`` says what every endpoint shares)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from trygghet.api.problems import problem_responses
from trygghet.api.views import MunicipalAPIView

from .models import Area


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "name", "kind", "is_active", "latitude", "longitude"]


@extend_schema_view(
    list=extend_schema(
        summary="Areas",
        description="The municipality's areas (districts and localities), active ones first.",
        responses={200: AreaSerializer(many=True), **problem_responses(401, 403, 429)},
    )
)
class AreaViewSet(MunicipalAPIView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AreaSerializer
    pagination_class = None

    def get_queryset(self):
        return Area.objects.restrict(self.request.membership).order_by("-is_active", "name", "pk")
