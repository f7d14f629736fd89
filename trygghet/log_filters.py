"""Logging filters (configured in settings.LOGGING)."""


class ClientErrorsWithoutTraceback:
    """Drop the traceback from the log record of a refused request (a 4xx response).

    Django 5.2 logs 403s (PermissionDenied), 400s and suspicious requests with the exception's
    traceback. They are the client's error, routine under hostile input, and their one line
    ("Forbidden (Permission denied): /burlov/...") says all there is to say: tracebacks are
    kept for 5xx, where they are needed. The level stays Django's (warning; error for
    django.security), so refused requests remain visible.
    """

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
