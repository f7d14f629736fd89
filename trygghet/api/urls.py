"""The API's addresses, under /api/ (README "API for partners' systems"): version 1 of the
endpoints, the OpenAPI 3 schema and its documentation page (Swagger UI, served from our own
static files: drf-spectacular-sidecar)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from councils.api import AreaViewSet
from meetings.api import MeetingViewSet
from situation_reports.api import (
    CategoryViewSet,
    IncidentViewSet,
    SituationReportViewSet,
    UpcomingEventViewSet,
)

from . import schema  # noqa: F401  (the token in the schema)
from .files import AttachmentViewSet, PhotoViewSet
from .views import NotFoundView

router = SimpleRouter()
router.register("incidents", IncidentViewSet, basename="incident")
router.register("categories", CategoryViewSet, basename="category")
router.register("areas", AreaViewSet, basename="area")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("upcoming-events", UpcomingEventViewSet, basename="upcoming-event")
router.register("situation-reports", SituationReportViewSet, basename="situation-report")
router.register("photos", PhotoViewSet, basename="photo")
router.register("attachments", AttachmentViewSet, basename="attachment")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
    # Any other address under /api/: a 404 problem rather than an HTML page.
    re_path(r"^.*$", NotFoundView.as_view()),
]
