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
