"""The demo world (``seed_demo``), seeded once per test session and copied into each test.

``demo_world()`` gives the test the database exactly as ``call_command("seed_demo")`` leaves
a freshly migrated database; ``demo_world(only=["councils"])`` as ``seed_demo --only
councils`` does. It returns a ``DemoWorld`` (``.burlov``, ``.eslov``, ``.user(username)``).
Call it first in the test: it replaces whatever the database holds.

How: seeding takes seconds, so each variant is seeded once per session, in a transaction
that is rolled back once every table has been copied out (``COPY ... TO STDOUT``). A test
that asks for it gets those rows written back inside its own transaction: every table
emptied, the rows copied in (``COPY ... FROM STDIN``, with triggers off: they are a copy of
a consistent database), the sequences set past the highest ids. About 0.15 s, where
``seed_demo`` takes 4-8 s.

Why this and not one world committed for the whole session:

- isolation: a ``db`` test's transaction is rolled back at its end, so what a test changes
  never reaches the next one; a ``transaction=True`` test (browser, worker) gets the world
  committed, so the live server and the workers see it, and pytest-django empties the
  database after it as after any such test;
- order does not matter: a world committed for the session would collide with the tests
  that build their own Burlöv (the ``burlov`` fixture: the same slug), and would be gone
  after the first ``transaction=True`` test (the flush at its end). Here each copy replaces
  the whole database, and each variant is seeded from the same start, the database as the
  migrations left it (copied by ``django_db_setup`` below before any test runs), whatever
  ran before;
- what the seed does outside the database comes along: the e-mails it sends are replayed
  into ``mail.outbox`` (the canary test reads them). ``transaction.on_commit`` callbacks are
  dropped with the seed's transaction, as for ``seed_demo`` inside a ``db`` test; the demo
  registers none that a test relies on (no task is sent while it seeds).
"""

import copy
import io
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from councils.models import Municipality, User


def _tables():
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def dump_tables():
    """Every row of every table, as PostgreSQL's COPY text: {table: bytes}, empty ones left out."""
    rows = {}
    with connection.cursor() as cursor:
        for table in _tables():
            with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as out:
                data = b"".join(bytes(block) for block in out)
            if data:
                rows[table] = data
    return rows


def restore_tables(rows):
    """Replace the content of every table by ``rows`` (from ``dump_tables``), in one transaction
    (the test's own, or a new one that commits)."""
    with transaction.atomic():
        # Deferred foreign-key checks of rows written earlier in this transaction would run at
        # its commit, against the rows replaced here: run them now (as Django's loaddata does).
        connection.check_constraints()
        with connection.cursor() as cursor:
            # The rows are a copy of a consistent database: triggers (foreign keys, and the
            # ones that refuse to change an approved record) would only refuse to write them
            # again. Replica mode skips them until the end of the copy. (DELETE, not TRUNCATE:
            # on these few thousand rows, TRUNCATE's new files take half a second more.)
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table in _tables():
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            for table, data in rows.items():
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as into:
                    into.write(data)
            reset = connection.ops.sequence_reset_sql(
                no_style(), apps.get_models(include_auto_created=True)
            )
            cursor.execute("\n".join(reset))
            cursor.execute("SET LOCAL session_replication_role = origin")
    ContentType.objects.clear_cache()


@dataclass
class Seeded:
    rows: dict
    mails: list = field(default_factory=list)


class DemoWorlds:
    """The seeded variants of this session, made on first use from the migrated database."""

    def __init__(self, migrated):
        self.migrated = migrated
        self.seeded = {}

    def get(self, only):
        apps_only = tuple(sorted(only or ()))
        # The demo's dates are relative to today: a run that passes midnight seeds again.
        key = (apps_only, timezone.localdate())
        if key not in self.seeded:
            self.seeded[key] = self._seed(list(apps_only) or None)
        return self.seeded[key]

    def _seed(self, only):
        sent_before = len(mail.outbox)
        # The settings every test runs with (tests/conftest.py), whichever test seeds first.
        with (
            override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ),
            translation.override(settings.LANGUAGE_CODE),
            transaction.atomic(),
        ):
            restore_tables(self.migrated)
            call_command("seed_demo", only=only, stdout=io.StringIO())
            seeded = Seeded(rows=dump_tables(), mails=mail.outbox[sent_before:])
            transaction.set_rollback(True)
        del mail.outbox[sent_before:]
        ContentType.objects.clear_cache()
        return seeded


@dataclass
class DemoWorld:
    burlov: Municipality
    eslov: Municipality

    @staticmethod
    def user(username):
        return User.objects.get(username=username)


MIGRATED = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's test database; and a copy of it as the migrations left it, taken before
    any test runs (the start of every demo variant)."""
    with django_db_blocker.unblock():
        request.config.stash[MIGRATED] = dump_tables()


@pytest.fixture(scope="session")
def demo_worlds(django_db_setup, request):
    return DemoWorlds(migrated=request.config.stash[MIGRATED])


@pytest.fixture
def demo_world(db, demo_worlds):
    """``demo_world(only=None)``: this test's own copy of the demo (see the module docstring).
    Call it first, before making other rows: it replaces the whole database."""

    def load(only=None):
        seeded = demo_worlds.get(only)
        restore_tables(seeded.rows)
        mail.outbox.extend(copy.deepcopy(seeded.mails))
        return DemoWorld(
            burlov=Municipality.objects.get(slug="burlov"),
            eslov=Municipality.objects.get(slug="eslov"),
        )

    yield load
    # The rows go with the test (rollback or flush); cached content-type ids must go too.
    ContentType.objects.clear_cache()
