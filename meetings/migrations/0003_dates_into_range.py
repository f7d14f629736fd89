"""Dates outside 2000-2100 stored before the bounds (issue 10, finding 2), brought into range
before 0004 adds the check constraints (a migration of its own: PostgreSQL refuses to alter a
table with changes pending in the same transaction)."""

import datetime

from django.db import migrations
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least

# The bounds of meetings.validators, as they stand today (a migration keeps its own copy).
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
FIRST_MOMENT = datetime.datetime(1999, 12, 31, 23, 0, tzinfo=datetime.timezone.utc)
END_MOMENT = datetime.datetime(2100, 12, 31, 23, 0, tzinfo=datetime.timezone.utc)
LAST_MOMENT = END_MOMENT - datetime.timedelta(days=1)

DATES = {  # model: (date columns, datetime columns)
    "meetingseries": (["start_date", "end_date"], ["created_at"]),
    "meeting": ([], ["occurrence_start", "start", "end", "agenda_published_at", "created_at",
                     "updated_at"]),
    "attendance": ([], ["responded_at"]),
    "actionitem": (["due_date"], ["closed_at", "created_at"]),
    "minutesversion": ([], ["approved_at"]),
    "sharelink": ([], ["expires_at", "revoked_at", "created_at"]),
    "sharelinkopening": ([], ["opened_at"]),
    "calendartoken": ([], ["created_at", "revoked_at", "last_used_at"]),
    "observation": ([], ["created_at"]),
}


def outside(name, moment):
    if moment:
        return Q(**{f"{name}__lt": FIRST_MOMENT}) | Q(**{f"{name}__gte": END_MOMENT})
    return Q(**{f"{name}__lt": FIRST_DAY}) | Q(**{f"{name}__gt": LAST_DAY})


def bring_dates_into_range(apps, schema_editor):
    """Rows stored before the bounds existed would make the new constraints fail. A meeting
    outside 2000-2100 cannot even be read back (a BC timestamp), so it is deleted with what
    hangs off it, unless it has approved minutes; an optional date is emptied; anything else is
    moved to the nearest bound, and a series whose dates moved is switched off for a
    coordinator to look at."""
    Meeting = apps.get_model("meetings", "Meeting")
    bad_time = outside("start", True) | outside("end", True)
    Meeting._base_manager.filter(bad_time, minutes_versions__isnull=True).only("pk").delete()
    start = Least(Greatest(F("start"), FIRST_MOMENT), LAST_MOMENT)
    end = Least(Greatest(F("end"), FIRST_MOMENT), LAST_MOMENT)
    Meeting._base_manager.filter(bad_time).update(
        start=start, end=Greatest(end, start + datetime.timedelta(minutes=1))
    )
    Series = apps.get_model("meetings", "MeetingSeries")
    Series._base_manager.filter(outside("start_date", False) | outside("end_date", False)).update(
        is_active=False
    )
    for model_name, (dates, moments) in DATES.items():
        rows = apps.get_model("meetings", model_name)._base_manager
        for name, moment in [(d, False) for d in dates] + [(m, True) for m in moments]:
            field = rows.model._meta.get_field(name)
            if field.null:
                rows.filter(outside(name, moment)).update(**{name: None})
                continue
            first, last = (FIRST_MOMENT, LAST_MOMENT) if moment else (FIRST_DAY, LAST_DAY)
            rows.filter(**{f"{name}__lt": first}).update(**{name: first})
            rows.filter(**{f"{name}__gt": last}).update(**{name: last})


class Migration(migrations.Migration):

    dependencies = [
        ('councils', '0002_agreements'),
        ('meetings', '0002_agendaitem_restricted_description'),
        ('situation_reports', '0004_situation_report'),
    ]

    operations = [
        migrations.RunPython(bring_dates_into_range, migrations.RunPython.noop),
    ]
