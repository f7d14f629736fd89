"""Request middleware of Trygghet."""

from django.urls import reverse
from django_scopes import scope, scopes_disabled


class ScopeMiddleware:
    """Every request starts with scoping on and no municipality in scope (see
    ``trygghet.tenancy``): ``@municipal_view`` then activates the URL's municipality, and any
    other page that reads a municipal row must say whose view it is. The one exception is the
    Django admin, which is for the installation's operators across every municipality."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if request.path_info.startswith(self.admin_prefix):
            with scopes_disabled():  # the operators' admin: every municipality
                return self.get_response(request)
        with scope():
            return self.get_response(request)
