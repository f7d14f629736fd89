"""Periodic tasks live in the database (django-celery-beat) so that a coordinator can change
them in the admin. Each app declares its schedules once, after migrate, with
``ensure_periodic_task``: it creates a missing schedule and never overwrites one that exists,
so a change made in the admin survives the next deploy.
"""

import json

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask


def ensure_periodic_task(
    *, name, task, crontab=None, every_seconds=None, expire_seconds=None, enabled=True, kwargs=None
):
    """Create the periodic task ``name`` if it does not exist yet. Returns (task, created).

    ``expire_seconds`` should be just under the interval, so a backlog never runs twice.
    """
    if PeriodicTask.objects.filter(name=name).exists():
        return PeriodicTask.objects.get(name=name), False
    with transaction.atomic():
        schedule = {}
        if crontab is not None:
            values = {
                "minute": "0",
                "hour": "*",
                "day_of_week": "*",
                "day_of_month": "*",
                "month_of_year": "*",
                **crontab,
            }
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                timezone="Europe/Stockholm", **values
            )
        elif every_seconds is not None:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=every_seconds, period=IntervalSchedule.SECONDS
            )
        else:
            raise ValueError("A periodic task needs a crontab or an interval.")
        periodic, created = PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "enabled": enabled,
                "expire_seconds": expire_seconds,
                "kwargs": json.dumps(kwargs or {}),
                **schedule,
            },
        )
    return periodic, created
