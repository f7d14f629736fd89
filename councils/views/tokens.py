"""API tokens of the municipality (README "API for partners' systems"): its admins list,
make and revoke them. A new token's secret is shown once, on the page that made it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from councils.forms.tokens import ApiTokenForm
from councils.models import ApiToken
from councils.services import tokens
from trygghet.access import ADMIN, municipal_view

from .common import add_form_errors, form_page, page_url


@municipal_view(roles=[ADMIN])
def token_list(request):
    api_tokens = (
        ApiToken.objects.restrict(request.membership)
        .select_related("organisation", "person", "created_by")
        .order_by("revoked_at", "-created_at", "-pk")
    )
    return render(
        request,
        "councils/token_list.html",
        {"tokens": api_tokens, "schema_url": reverse("api:schema")},
    )


@municipal_view(roles=[ADMIN])
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = ApiTokenForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = tokens.create_token(
                data["person"],
                name=data["name"],
                can_read=data["can_read"],
                can_write_incidents=data["can_write_incidents"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            response = render(
                request,
                "councils/token_created.html",
                {"token": token, "secret": secret, "back_url": page_url("token-list", request)},
            )
            # The secret is on this page only: never kept by the browser or a proxy.
            response["Cache-Control"] = "no-store"
            return response
    return form_page(
        request,
        form,
        title=_("New API token"),
        back_url=page_url("token-list", request),
        intro=_("The token is shown once, when it is made: copy it into the partner's system."),
        submit=_("Make the token"),
    )


@require_POST
@municipal_view(roles=[ADMIN])
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.restrict(request.membership), pk=pk)
    tokens.revoke_token(token, actor=request.user, request=request)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect(page_url("token-list", request))
