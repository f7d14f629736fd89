"""The API's base view, filter backend and pagination (see ``trygghet.api``)."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.views import APIView

from trygghet.tenancy import municipality_scope

from .auth import HasTokenScope, TokenAuthentication

# --- Views --------------------------------------------------------------------------------------


class MunicipalAPIView(APIView):
    """The base of every API endpoint: authenticated by token, checked for its scope, and run
    inside the token's municipality with ``request.membership`` set (as ``@municipal_view``
    does for a page). Combine with DRF's generic views and viewsets."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [HasTokenScope]

    def dispatch(self, request, *args, **kwargs):
        self._scope = None
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # Also when the view raised an error DRF does not handle (a 500).
            if self._scope is not None:
                self._scope.__exit__(None, None, None)
                self._scope = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, scope check, rate limits
        access = request.auth
        request.membership = access.membership
        request.municipality = access.membership.municipality
        # Until dispatch ends: errors are rendered as problems inside it too.
        self._scope = municipality_scope(request.municipality.pk)
        self._scope.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Municipal data: never kept by a shared cache or proxy.
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class MembershipFilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend for filtersets that take ``membership=`` (the web list's
    ``IncidentFilter``): the same filter, the same choices, the same rules."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["membership"] = request.membership
        return kwargs


class NotFoundView(APIView):
    """Any other address under /api/: a 404 problem, not an HTML page."""

    authentication_classes = []
    permission_classes = []
    schema = None  # not an endpoint

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound()

    post = put = patch = delete = get


# --- Pagination ---------------------------------------------------------------------------------


class Pagination(CursorPagination):
    """Cursor pagination: stable under new rows (a partner's system reads every row once,
    however many are logged meanwhile), no page counts to compute. ``page_size`` up to 100."""

    page_size = 50
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = "-id"

    @classmethod
    def ordered_by(cls, *ordering):
        """The pagination of an endpoint in this order (the last field unique, such as id)."""
        return type(cls.__name__, (cls,), {"ordering": ordering})
