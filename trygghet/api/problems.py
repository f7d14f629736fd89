"""Errors of the API as problem details (RFC 9457; see ``trygghet.api``)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE = "urn:trygghet:problem:"


# --- Problem details ----------------------------------------------------------------------------

TITLES = {
    400: _("Invalid request"),
    401: _("Not authenticated"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    415: _("Unsupported media type"),
    422: _("Request cannot be processed"),
    429: _("Too many requests"),
}


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "This Idempotency-Key was already used with a different request: use a new key for a "
        "new incident."
    )
    default_code = "idempotency_key_reused"


def _pointers(detail, path=""):
    """A DRF error detail (dict, list or string) as RFC 9457-style ``errors``."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = "" if key == api_settings.NON_FIELD_ERRORS_KEY else f"{path}/{key}"
            yield from _pointers(value, field)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            for item in detail:
                yield {"pointer": f"#{path}", "detail": str(item)}
        else:
            for index, item in enumerate(detail):
                yield from _pointers(item, f"{path}/{index}")
    else:
        yield {"pointer": f"#{path}", "detail": str(detail)}


def _code(exc):
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    code = getattr(detail, "code", None) or exc.default_code
    return str(code)


def problem_exception_handler(exc, context):
    """DRF's handler (headers such as ``WWW-Authenticate`` and ``Retry-After``, rollback of the
    transaction), with the body as problem details."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(get_error_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status_code = response.status_code
    body = {
        "type": PROBLEM_TYPE + _code(exc).replace("_", "-"),
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = str(_("The request has invalid values: see errors."))
        body["errors"] = list(_pointers(exc.detail))
    else:
        body["detail"] = str(exc.detail)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class ProblemErrorSerializer(serializers.Serializer):
    pointer = serializers.CharField(help_text="A JSON pointer to the field, e.g. #/category.")
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, as every error of the API answers."""

    type = serializers.CharField(help_text="urn:trygghet:problem:<code>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)


def problem_responses(*codes):
    """The documented error answers of an endpoint, for ``extend_schema(responses=...)``."""
    from drf_spectacular.utils import OpenApiResponse

    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            ProblemSerializer, description=str(TITLES.get(code, ""))
        )
        for code in codes
    }
