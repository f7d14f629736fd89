"""Issue 9, finding 9: the lockout is on the user name, spraying is limited per client address,
and the client address is read through the trusted proxy only.

Before: django-axes locked on user name + address, so behind a proxy (every request from the
proxy's address) five wrong passwords from anyone locked the real user out, while one password
sprayed over many user names was not limited at all.
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"
PROXY = "10.0.0.2"


def post_login(client, username, password, address=ATTACKER, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


def lock_ends(username, settings):
    newest = AccessAttempt.objects.filter(username=username).latest("attempt_time")
    end = newest.attempt_time + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return timezone.localtime(end).strftime("%H:%M")


def test_the_account_is_locked_on_its_user_name_whatever_address_the_attempts_come_from(
    client, coordinator, settings
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, coordinator.username, "wrong", address=f"203.0.113.{n + 1}")
    response = post_login(client, coordinator.username, PASSWORD, address="192.0.2.50")
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "kontot är tillfälligt låst" in page
    assert f"{coordinator.username} låst till {lock_ends(coordinator.username, settings)}" in page
    # The login form is still there, for when the pause is over.
    assert 'name="password"' in page


def test_the_locked_out_person_is_told_by_email_once(
    client, coordinator, settings, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(settings.AXES_FAILURE_LIMIT + 3):
            post_login(client, coordinator.username, "wrong", address=f"203.0.113.{n + 1}")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert "låst" in message.subject
    assert lock_ends(coordinator.username, settings) in message.body
    assert "/accounts/password_reset/" in message.body


def test_a_password_sprayed_over_many_user_names_from_one_address_is_stopped(
    client, coordinator, settings
):
    settings.LOGIN_USERNAMES_PER_ADDRESS = 3
    for name in ("anna", "bertil", "cecilia"):
        assert post_login(client, name, "Sommar2026!").status_code == 200
    # The fourth name from that address is refused before any password is checked, even the
    # right one, and the page says why and until when.
    response = post_login(client, coordinator.username, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert re.search(r"din nätverksadress är pausad till \d\d:\d\d", response.content.decode())
    # Nothing was counted against the account that the paused address tried.
    assert not AccessAttempt.objects.filter(username=coordinator.username).exists()
    # From anywhere else the owner logs in.
    assert post_login(client, coordinator.username, PASSWORD, address="192.0.2.50").status_code == (
        302
    )


def test_failed_logins_from_one_address_are_limited(client, coordinator, member, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    for name in ("anna", "anna", "bertil", "bertil"):
        post_login(client, name, "wrong")
    assert post_login(client, member.username, PASSWORD).status_code == 429
    assert not logged_in(client)


def test_a_colleague_behind_the_same_address_still_logs_in_after_someone_is_locked(
    client, coordinator, member, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, coordinator.username, "wrong")
    assert post_login(client, member.username, PASSWORD).status_code == 302


def test_x_forwarded_for_from_an_untrusted_address_is_ignored(client, coordinator, settings):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_USERNAMES_PER_ADDRESS = 3
    for n, name in enumerate(("anna", "bertil", "cecilia")):
        post_login(client, name, "wrong", forwarded=f"192.0.2.{n + 1}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # A made-up X-Forwarded-For does not give the attacker a fresh address.
    response = post_login(client, coordinator.username, PASSWORD, forwarded="192.0.2.99")
    assert response.status_code == 429


def test_through_the_trusted_proxy_the_real_client_address_is_used(
    client, coordinator, member, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.LOGIN_USERNAMES_PER_ADDRESS = 3
    for name in ("anna", "bertil", "cecilia"):
        # What the client wrote itself is on the left; the proxy appends the real address.
        post_login(client, name, "wrong", address=PROXY, forwarded=f"192.0.2.77, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # The sprayer is paused, whatever it writes in the header ...
    spoofed = f"192.0.2.78, {ATTACKER}"
    assert post_login(client, member.username, PASSWORD, PROXY, spoofed).status_code == 429
    # ... while a colleague behind the same proxy logs in.
    response = post_login(client, coordinator.username, PASSWORD, PROXY, "203.0.113.200")
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_user_name_longer_than_the_field_is_a_form_error_not_a_server_error(client, path):
    """Found by the fuzz test: the name reached django-axes' 255-character column (500)."""
    response = client.post(path, {"username": "x" * 10_001, "password": "whatever-2026"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AccessAttempt.objects.exists()
