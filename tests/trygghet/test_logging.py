"""A refused request is one warning line, not a traceback: 403s (a role that may not act, a
share link's wrong token, hostile form posts) are routine and would drown real errors."""

import logging
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from trygghet.log_filters import ClientErrorsWithoutTraceback

pytestmark = pytest.mark.django_db


def formatted(records):
    """The records as the configured console handler writes them."""
    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])
    return "\n".join(formatter.format(record) for record in records)


def test_a_403_is_logged_as_one_warning_line_without_a_traceback(login, member, caplog):
    url = reverse("councils:organisation-create", kwargs={"municipality": "burlov"})
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = login(member).get(url)
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == f"Forbidden (Permission denied): {url}"
    assert record.exc_info is None
    assert "Traceback" not in formatted([record])


def test_a_csrf_failure_is_one_warning_line_too(client, member, caplog):
    client.force_login(member)
    client.handler.enforce_csrf_checks = True
    url = reverse("councils:organisation-create", kwargs={"municipality": "burlov"})
    with caplog.at_level(logging.INFO):
        response = client.post(url, {"name": "x"})
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name.startswith("django.")]
    assert records and all(r.levelno == logging.WARNING for r in records)
    assert "Traceback" not in formatted(records)


def test_a_server_error_keeps_its_traceback():
    # Only client errors lose the traceback: a 500 is what tracebacks are for.
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", (), exc_info
    )
    record.status_code = 500
    assert ClientErrorsWithoutTraceback().filter(record)
    assert record.exc_info is exc_info


def configured_console():
    return next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorsWithoutTraceback) for f in handler.filters)
    )


def test_a_suspicious_request_is_logged_without_a_traceback(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    console = configured_console()
    assert console.filter(record)
    assert "Traceback" not in console.format(record)
