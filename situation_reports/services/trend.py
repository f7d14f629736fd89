"""The trend page's figures: weekly counts per category, live (not a compiled report)."""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Incident

TREND_WEEKS = 52
TREND_SERIES = 6


def weekly_trend(membership, weeks=TREND_WEEKS, today=None):
    """Weekly counts per category over the last ``weeks`` weeks, of the incidents this member
    may list (the count rule): one grouped query."""
    today = today or timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    first = this_monday - datetime.timedelta(weeks=weeks - 1)
    mondays = [first + datetime.timedelta(weeks=i) for i in range(weeks)]
    rows = (
        Incident.objects.counted(membership)
        .filter(occurred_on__gte=first)
        .annotate(week=TruncWeek("occurred_on"))
        .values("week", "category__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = defaultdict(lambda: [0] * weeks)
    index = {monday: i for i, monday in enumerate(mondays)}
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, datetime.datetime) else week
        if week in index:
            counts[row["category__name"]][index[week]] += row["n"]
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    series = ranked[:TREND_SERIES]
    if len(ranked) > TREND_SERIES:
        rest = [sum(values) for values in zip(*(v for _k, v in ranked[TREND_SERIES:]), strict=True)]
        series.append((_("Other categories"), rest))
    return mondays, series
