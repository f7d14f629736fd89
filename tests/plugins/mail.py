"""A real SMTP server (aiosmtpd) for the tests of the outbox and the mail they send."""

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.helpers import free_port


class SMTPRecorder:
    """An aiosmtpd handler that keeps every mail it accepts, one entry per recipient.

    ``refuse(n, address)`` is asked at each RCPT (``n`` counts them from 1) and may return an
    SMTP reply such as ``"451 try again later"`` to refuse that recipient.
    """

    def __init__(self):
        self.received = []
        self.rcpt_seen = 0
        self.refuse = lambda n, address: None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_seen += 1
        reply = self.refuse(self.rcpt_seen, address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        for recipient in envelope.rcpt_tos:
            self.received.append((recipient, message))
        return "250 Message accepted for delivery"

    def recipients(self):
        return [recipient for recipient, _message in self.received]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on the loopback address for the duration of a test."""
    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """Django's SMTP backend pointed at ``smtp_server`` (instead of the locmem outbox)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return smtp_server
