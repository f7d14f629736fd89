"""Limits on logging in (issue 9, finding 9).

- An **account** is locked after ``AXES_FAILURE_LIMIT`` failed logins on its user name, from
  wherever they come (django-axes, keyed on the user name alone), for ``AXES_COOLOFF_MINUTES``.
  The login page says so and until when, and the person gets an e-mail if they have an address.
- A **client address** (``trygghet.client_ip``, which sees through the trusted proxies) is
  paused for the rest of the hour after ``LOGIN_FAILURES_PER_ADDRESS`` failed logins or failed
  logins on ``LOGIN_USERNAMES_PER_ADDRESS`` different user names: one password sprayed over many
  accounts is stopped, and the accounts it tried are not locked for their owners.

The address limits are counted in the cache (django-ratelimit) and checked by an authentication
backend placed first, so every login (the login page and the Django admin's) is refused before a
password is checked. Failures are counted from Django's ``user_login_failed`` signal.
"""

import datetime
import hashlib
import time

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from . import outbox
from .client_ip import client_ip
from .models import OutgoingEmail

WINDOW_SECONDS = 3600
FAILURES_GROUP = "login-failures-per-address"
USERNAMES_GROUP = "login-usernames-per-address"


def _usage(request, group, address, limit, increment=False):
    return get_usage(
        request,
        group=group,
        key=lambda _group, _request: address,
        rate=(limit, WINDOW_SECONDS),
        increment=increment,
    )


def address_paused_until(request):
    """When logins from the request's client address may start again, or None if they may."""
    address = client_ip(request)
    for group, limit in (
        (FAILURES_GROUP, settings.LOGIN_FAILURES_PER_ADDRESS),
        (USERNAMES_GROUP, settings.LOGIN_USERNAMES_PER_ADDRESS),
    ):
        usage = _usage(request, group, address, limit)
        if usage is not None and (usage["should_limit"] or usage["count"] >= limit):
            return timezone.now() + datetime.timedelta(seconds=max(usage["time_left"], 1))
    return None


def record_failure(request, username):
    """Count one failed login against the client address, and its user name if new this hour."""
    address = client_ip(request)
    _usage(request, FAILURES_GROUP, address, settings.LOGIN_FAILURES_PER_ADDRESS, increment=True)
    names = _usage(request, USERNAMES_GROUP, address, settings.LOGIN_USERNAMES_PER_ADDRESS)
    if names is None or names["time_left"] < 0:
        return
    # "Seen this name from this address in this window": a marker that ends with the window,
    # set atomically (cache.add), so parallel requests count each name once.
    window_end = int(time.time()) + names["time_left"]
    marker = hashlib.sha256(f"{window_end}\x1f{address}\x1f{username}".encode()).hexdigest()
    if cache.add(f"login-username-seen:{marker}", 1, timeout=names["time_left"] + 5):
        _usage(
            request, USERNAMES_GROUP, address, settings.LOGIN_USERNAMES_PER_ADDRESS, increment=True
        )


class AddressThrottleBackend:
    """Refuses every login from a paused client address, before any password is checked.

    It has no ``get_user``: it never logs anyone in (and so ``force_login`` passes it by).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        until = address_paused_until(request)
        if until is not None:
            request.login_address_paused_until = until
            raise PermissionDenied  # stops django.contrib.auth.authenticate here
        return None


def refused_for_its_address(request, credentials=None):
    """django-axes' AXES_WHITELIST_CALLABLE: axes records nothing for a login refused because of
    its address. No password was checked, so it must not count against the account (else a
    paused address could still lock the accounts it targets out)."""
    return bool(getattr(request, "login_address_paused_until", None))


@receiver(user_login_failed, dispatch_uid="trygghet.login.count_failure")
def count_failure(sender, credentials, request=None, **kwargs):
    if request is None or refused_for_its_address(request):
        return
    record_failure(request, str(credentials.get("username") or ""))


def locked_until(username):
    """When the account's lock ends, the way django-axes decides it: the newest attempts that
    together reach the failure limit, plus the cool-off."""

    cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=timezone.now() - cool_off
    ).order_by("-attempt_time")
    failures = 0
    for attempt in attempts.values("attempt_time", "failures_since_start"):
        failures += attempt["failures_since_start"]
        if failures >= settings.AXES_FAILURE_LIMIT:
            return attempt["attempt_time"] + cool_off
    return timezone.now() + cool_off


def _login_page(request, status, **notice):
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "next": request.POST.get("next", request.GET.get("next", ""))}
    context.update(notice)
    return render(request, "registration/login.html", context, status=status)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer for a locked account: the login page with a notice (429)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return _login_page(
        request,
        settings.AXES_HTTP_RESPONSE_CODE,
        locked_username=username,
        locked_until=timezone.localtime(locked_until(username)),
        failure_limit=settings.AXES_FAILURE_LIMIT,
    )


class BoundedUserNameMixin:
    """Django's login forms only announce the user name's ``max_length`` to the browser (they
    set it after the field is made, so no validator checks it): a 10,001-character name reached
    ``authenticate()`` and django-axes' 255-character column, a 500 (found by the fuzz test)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))


class LoginForm(BoundedUserNameMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedUserNameMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_invalid(self, form):
        until = getattr(self.request, "login_address_paused_until", None)
        if until is not None:
            return _login_page(self.request, 429, address_paused_until=timezone.localtime(until))
        return super().form_invalid(form)


def notify_locked_out_person(request, username):
    """Queue the e-mail to the person whose account was just locked (trygghet/outbox.py).

    Every refused attempt during the lock signals again; the outbox queues a (cause,
    recipient) pair once, ever, and the cause names this lock, so the person gets one mail.
    """
    User = get_user_model()
    user = (
        User.objects.filter(**{User.USERNAME_FIELD: username}, is_active=True)
        .exclude(email="")
        .first()
    )
    if user is None:
        return []
    until = locked_until(username)
    key = f"lockout:{user.pk}:{until.isoformat()}"
    if OutgoingEmail.objects.filter(key=key).exists():
        return []  # told already: do not enqueue a task per refused attempt
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "registration/email/locked_out.txt",
            {
                "user": user,
                "until": formats.date_format(timezone.localtime(until), "DATETIME_FORMAT"),
                "address": client_ip(request),
                "failure_limit": settings.AXES_FAILURE_LIMIT,
                "reset_url": settings.SITE_URL + reverse("password_reset"),
            },
        )
        mail = outbox.Mail(user.email, _("Your Trygghet account is locked for a while"), body)
    with transaction.atomic():
        ids = outbox.queue(key, [mail])
        outbox.send_after_commit(ids)
    return ids


@receiver(user_locked_out, dispatch_uid="trygghet.login.notify_locked_out")
def notify_locked_out(sender, request=None, username=None, **kwargs):
    if request is not None and username:
        notify_locked_out_person(request, username)
