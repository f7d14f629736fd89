"""How the OpenAPI schema describes the token (drf-spectacular reads this extension once it
is imported: ``trygghet.api.urls`` does)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "trygghet.api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made by the municipality's administrator (tryg_…).",
        }
