"""Shared fixtures: two municipalities and, in Burlöv, one user per municipal role.

Every view test checks the outsider (a member of Eslöv) and the roles that may not act, as
well as the roles that may: see ``tests/trygghet/test_access.py`` for the pattern.
"""

import os
import uuid

import pytest
from django_scopes import scopes_disabled

from councils.models import Municipality, MunicipalityMembership, Organisation, User
from trygghet import access

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True, scope="session")
def _test_code_reads_every_municipality():
    """Test code arranges and inspects rows of several municipalities: it runs unscoped (the
    explicit bypass of ``trygghet.tenancy``). What it exercises is scoped as in production:
    every request starts a fresh scope (``ScopeMiddleware``), every task too (``TrygghetTask``)."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _own_cache_keys(settings):
    # Rate limits and lockout notices count in the cache (Redis, shared by every test run):
    # each test gets keys of its own, so counts never leak from one test into another.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread (LocaleMiddleware does not
    reset it): the next test starts in the default language again, whatever ran before."""
    yield
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests make many users; PBKDF2 at Django's default cost takes ~0.3 s per password.
    # Real hashing is kept where it is the point (the demo users of the browser tests log in
    # through the form either way).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def burlov(db):
    return Municipality.objects.create(name="Burlöv", slug="burlov", code="1231", population=20042)


@pytest.fixture
def eslov(db):
    return Municipality.objects.create(name="Eslöv", slug="eslov", code="1285", population=34878)


@pytest.fixture
def municipal_admin_org(burlov):
    org = Organisation.objects.create(
        name="Burlövs kommun", kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION
    )
    org.municipalities.add(burlov)
    return org


@pytest.fixture
def police_org(burlov, eslov):
    org = Organisation.objects.create(name="Polisen LPO Kävlinge", kind=Organisation.Kind.POLICE)
    org.municipalities.add(burlov, eslov)
    return org


@pytest.fixture
def security_org(burlov):
    org = Organisation.objects.create(
        name="Trygghetsbolaget AB", kind=Organisation.Kind.SECURITY_COMPANY
    )
    org.municipalities.add(burlov)
    return org


def make_user(username, municipality=None, role=None, organisation=None, **extra):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        first_name=extra.pop("first_name", username.split(".")[-1].title()),
        last_name=extra.pop("last_name", "Testsson"),
        **extra,
    )
    if municipality is not None:
        MunicipalityMembership.objects.create(
            user=user, municipality=municipality, role=role, organisation=organisation
        )
    return user


@pytest.fixture
def admin_user(burlov, municipal_admin_org):
    return make_user("burlov.admin", burlov, access.ADMIN, municipal_admin_org)


@pytest.fixture
def coordinator(burlov, municipal_admin_org):
    return make_user("burlov.coordinator", burlov, access.COORDINATOR, municipal_admin_org)


@pytest.fixture
def member(burlov, municipal_admin_org):
    return make_user("burlov.member", burlov, access.MEMBER, municipal_admin_org)


@pytest.fixture
def police_partner(burlov, police_org):
    """A partner from a public authority: may read restricted data."""
    return make_user("burlov.police", burlov, access.PARTNER, police_org)


@pytest.fixture
def company_partner(burlov, security_org):
    """A partner from a private company: never sees restricted data (GDPR art. 10)."""
    return make_user("burlov.guard", burlov, access.PARTNER, security_org)


@pytest.fixture
def outsider(eslov):
    """A coordinator of another municipality: everything of Burlöv is 404 to them."""
    org = Organisation.objects.create(
        name="Eslövs kommun", kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION
    )
    org.municipalities.add(eslov)
    return make_user("eslov.coordinator", eslov, access.COORDINATOR, org)


@pytest.fixture
def users_by_role(admin_user, coordinator, member, police_partner, company_partner, outsider):
    return {
        "admin": admin_user,
        "coordinator": coordinator,
        "member": member,
        "police_partner": police_partner,
        "company_partner": company_partner,
        "outsider": outsider,
    }


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in (force_login: django-axes needs a request for
    password logins, which the browser tests exercise)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real Celery worker in its own process, on the Redis broker and the test database.

    Use with ``@pytest.mark.django_db(transaction=True)`` so the worker sees committed rows.
    Yields the Celery app; tasks sent with ``.delay()`` go through Redis to that worker.
    """
    import subprocess
    import sys
    import time
    from pathlib import Path

    from trygghet.celery import app

    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        pytest.fail(f"a worker test needs Redis as broker, got {broker!r}")
    database_url = database_url_for_processes()
    app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "TESTING": "true",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    root = Path(__file__).resolve().parents[1]
    log = worker_log_path()
    log.parent.mkdir(exist_ok=True)
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "trygghet",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}@%h",
            ],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield app
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_until(predicate, timeout=30, interval=0.1, message="condition"):
    """Poll ``predicate`` until it is true (for effects of a real worker); fail after timeout."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    pytest.fail(f"timed out waiting for {message}")


def database_url_for_processes():
    """The DATABASE_URL of the test database, for processes the tests start (workers)."""
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'postgres'}:{db['PASSWORD'] or ''}@"
        f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def worker_log_path():
    """Where ``celery_worker_process`` writes its worker's log (one file per test process)."""
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "var" / f"test-worker-{os.getpid()}.log"


@pytest.fixture
def eager_celery():
    """Tasks run in-process for unit tests (real workers run in the ``worker`` tests)."""
    from trygghet.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


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
        import email
        from email import policy

        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        for recipient in envelope.rcpt_tos:
            self.received.append((recipient, message))
        return "250 Message accepted for delivery"

    def recipients(self):
        return [recipient for recipient, _message in self.received]


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on the loopback address for the duration of a test."""
    from aiosmtpd.controller import Controller

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
