"""Prepare the test provider's database: ``python -m tests.e2e.oidc_provider.setup`` with
DJANGO_SETTINGS_MODULE=tests.e2e.oidc_provider.settings and, on standard input, JSON of
``{"clients": [{"client_id", "client_secret", "redirect_uri", "post_logout_redirect_uri"}],
"users": [{"username", "password", "email"}]}``."""

import json
import sys

import django


def main():
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    spec = json.load(sys.stdin)
    call_command("migrate", verbosity=0)
    call_command("creatersakey")  # the RS256 key the provider signs ID tokens with (its JWKS)
    code, _created = ResponseType.objects.get_or_create(
        value="code", defaults={"description": "code (Authorization Code Flow)"}
    )
    for item in spec["clients"]:
        client = Client.objects.create(
            name=item["client_id"],
            client_type="confidential",
            client_id=item["client_id"],
            client_secret=item["client_secret"],
            jwt_alg="RS256",
            require_consent=False,
            reuse_consent=True,
        )
        client.redirect_uris = [item["redirect_uri"]]
        client.post_logout_redirect_uris = [item["post_logout_redirect_uri"]]
        client.save()
        client.response_types.add(code)
    User = get_user_model()
    for item in spec["users"]:
        User.objects.create_user(item["username"], email=item["email"], password=item["password"])


if __name__ == "__main__":
    main()
