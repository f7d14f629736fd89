from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from tests.helpers import wait_until
from trygghet.celery import app
from trygghet.schedules import ensure_periodic_task
from trygghet.tasks import clear_expired_sessions


def test_celery_speaks_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_redis_to_a_real_worker_and_changes_the_database(start_worker):
    start_worker()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    live = SessionStore()
    live.create()

    clear_expired_sessions.delay()

    wait_until(
        lambda: not Session.objects.filter(pk=expired.session_key).exists(),
        message="the worker to delete the expired session",
    )
    assert Session.objects.filter(pk=live.session_key).exists()


@pytest.mark.django_db
def test_housekeeping_is_scheduled_in_the_database_after_migrate():
    task = PeriodicTask.objects.get(name="Clear expired sessions")
    assert task.task == "trygghet.tasks.clear_expired_sessions"
    assert task.crontab.hour == "3"
    assert task.expire_seconds < 24 * 3600


@pytest.mark.django_db
def test_a_schedule_changed_in_the_admin_survives_the_next_migrate():
    task = PeriodicTask.objects.get(name="Clear expired sessions")
    task.enabled = False
    task.save()
    _, created = ensure_periodic_task(
        name="Clear expired sessions",
        task="trygghet.tasks.clear_expired_sessions",
        crontab={"minute": "17", "hour": "3"},
    )
    assert not created
    assert not PeriodicTask.objects.get(name="Clear expired sessions").enabled


# --- The one base class (trygghet.celery.TrygghetTask) ----------------------------------------


def test_every_task_has_the_one_base_and_retries_only_what_passes():
    import councils.tasks  # noqa: F401  (registers the tasks)
    import meetings.tasks  # noqa: F401
    import situation_reports.tasks  # noqa: F401
    from trygghet.celery import TRANSIENT_ERRORS, TrygghetTask

    ours = {n: t for n, t in app.tasks.items() if not n.startswith("celery.")}
    assert len(ours) >= 10
    for name, task in ours.items():
        assert isinstance(task, TrygghetTask), name
        # Never "retry on any exception": a bug fails at once.
        assert Exception not in tuple(task.autoretry_for), name
        assert set(task.autoretry_for) <= set(TRANSIENT_ERRORS), name
    # Mail and the police fetch keep a back-off of their own.
    assert app.tasks["trygghet.tasks.send_emails"].autoretry_for == ()
    assert app.tasks["situation_reports.tasks.fetch_police_events"].autoretry_for == ()
    assert app.tasks["meetings.tasks.send_reminder"].autoretry_for == TRANSIENT_ERRORS


def test_a_bug_in_a_task_is_not_retried():
    calls = []

    @app.task(name="tests.buggy")
    def buggy():
        calls.append(1)
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        buggy.apply(throw=True)
    assert calls == [1]


def test_a_transient_error_is_retried():
    calls = []

    @app.task(name="tests.flaky", bind=True, retry_backoff=False)
    def flaky(self):
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("the database went away")
        return "done"

    # Eager, Celery runs each retry at once (no backoff to wait for) unless it propagates.
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    try:
        assert flaky.apply().get() == "done"
    finally:
        app.conf.task_eager_propagates = propagates
    assert len(calls) == 3


def test_a_task_takes_ids_not_objects(burlov):
    with pytest.raises(TypeError, match="ids"):
        clear_expired_sessions.enqueue(burlov)
    with pytest.raises(TypeError, match="ids"):
        clear_expired_sessions.enqueue(ids=[burlov])


@pytest.mark.django_db(transaction=True)
def test_enqueue_sends_after_commit_and_never_for_a_rollback(monkeypatch):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(
        clear_expired_sessions, "apply_async", lambda *a, **k: sent.append(a), raising=False
    )
    with transaction.atomic():
        clear_expired_sessions.enqueue()
        assert sent == []  # not before the commit
    assert sent == [((), {})]
    with pytest.raises(RuntimeError), transaction.atomic():
        clear_expired_sessions.enqueue()
        raise RuntimeError
    assert sent == [((), {})]


def test_enqueue_with_the_broker_down_logs_and_returns(
    db, caplog, django_capture_on_commit_callbacks
):
    from tests.trygghet.test_outbox import broker_unreachable

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        clear_expired_sessions.enqueue()
    assert "broker unavailable: trygghet.tasks.clear_expired_sessions" in caplog.text
