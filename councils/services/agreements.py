"""The agreement's workflows: renewal for the next period, follow-ups of actions, and the
strategic council's follow-up page."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import Action, ActionUpdate, Agreement, CitizenPromise, FocusArea, Goal

# --- Renewal --------------------------------------------------------------------------------


def next_period(agreement):
    """The period after ``agreement``'s, of the same length (one year for Eslöv's)."""
    start = agreement.end_date + datetime.timedelta(days=1)
    try:
        end = start.replace(year=start.year + (agreement.end_date.year - agreement.start_date.year))
    except ValueError:  # 29 February
        end = start.replace(month=3, day=1, year=start.year + 1)
    end -= datetime.timedelta(days=1)
    if end <= start:
        end = start + (agreement.end_date - agreement.start_date)
    return start, end


@transaction.atomic
def renew_agreement(agreement, *, start_date=None, end_date=None, title=None):
    """Copy ``agreement`` into a draft for the next period: its focus areas, goals, citizen
    promises and unfinished actions (planned or ongoing). The old agreement is not changed.

    A goal's new baseline is its latest measured value when there is one: the next period
    starts from where the last one ended.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if Agreement.objects.filter(previous=agreement).exists():
        raise ValidationError(_("This agreement has already been renewed."))
    default_start, default_end = next_period(agreement)
    start_date = start_date or default_start
    end_date = end_date or default_end
    new = Agreement(
        municipality=agreement.municipality,
        title=title or agreement.title,
        police_area=agreement.police_area,
        start_date=start_date,
        end_date=end_date,
        status=Agreement.Status.DRAFT,
        problem_picture=agreement.problem_picture,
        steering_body=agreement.steering_body,
        previous=agreement,
    )
    new.full_clean()
    new.save()

    focus_areas = agreement.focus_areas.prefetch_related(
        Prefetch("goals", queryset=Goal.objects.with_latest_measurement().order_by("pk")),
        Prefetch("actions", queryset=Action.objects.open().order_by("pk")),
    )
    for old_area in focus_areas:
        area = FocusArea.objects.create(
            agreement=new,
            title=old_area.title,
            description=old_area.description,
            causes=old_area.causes,
            position=old_area.position,
        )
        Goal.objects.bulk_create(
            Goal(
                focus_area=area,
                title=goal.title,
                indicator=goal.indicator,
                unit=goal.unit,
                baseline=goal.baseline if goal.latest_value is None else goal.latest_value,
                baseline_date=goal.baseline_date
                if goal.latest_value is None
                else goal.latest_measured_on,
                target=goal.target,
                target_date=max(goal.target_date, end_date),
                direction=goal.direction,
                source=goal.source,
            )
            for goal in old_area.goals.all()
        )
        Action.objects.bulk_create(
            Action(
                focus_area=area,
                title=action.title,
                description=action.description,
                responsible_organisation_id=action.responsible_organisation_id,
                working_group_id=action.working_group_id,
                lead_id=action.lead_id,
                start_date=action.start_date,
                due_date=max(action.due_date, start_date),
                status=action.status,
                is_priority=action.is_priority,
                copied_from=action,
            )
            for action in old_area.actions.all()
        )
    CitizenPromise.objects.bulk_create(
        CitizenPromise(agreement=new, title=p.title, description=p.description)
        for p in agreement.citizen_promises.exclude(status=CitizenPromise.Status.KEPT)
    )
    return new


# --- Follow-up ------------------------------------------------------------------------------


@transaction.atomic
def post_action_update(action, *, author, note, status, hours_spent=None, date=None):
    """Record a follow-up of ``action`` and move the action to its new status."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    update = ActionUpdate.objects.create(
        action=action,
        author=author,
        note=note,
        status=status,
        previous_status=action.status,
        hours_spent=hours_spent,
        date=date or timezone.localdate(),
    )
    if action.status != status:
        action.status = status
        action.save(update_fields=["status"])
    return update


def follow_up(agreement, today=None):
    """Everything the strategic council's follow-up page shows, in a constant number of
    queries whatever the number of focus areas, actions and goals."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=90)
    recent = ActionUpdate.objects.filter(action=OuterRef("pk"), date__gt=since)
    actions = (
        Action.objects.filter(focus_area__agreement=agreement)
        .with_follow_up(today)
        .annotate(has_recent_update=Exists(recent))
        .select_related(
            "lead",
            "responsible_organisation",
            "working_group",
            "focus_area__agreement__municipality",
        )
        .order_by("due_date", "pk")
    )
    goals = (
        Goal.objects.filter(focus_area__agreement=agreement)
        .with_latest_measurement()
        .order_by("pk")
    )
    areas = list(agreement.focus_areas.order_by("position", "pk"))
    by_area = {
        area.pk: {"area": area, "actions": [], "goals": [], "recent_updates": []} for area in areas
    }
    # The latest follow-ups per focus area: one query, cut to five per area in Python.
    updates = (
        ActionUpdate.objects.filter(action__focus_area__agreement=agreement, date__gt=since)
        .select_related("action__focus_area__agreement__municipality", "author")
        .order_by("-date", "-pk")
    )
    for update in updates:
        recent_list = by_area[update.action.focus_area_id]["recent_updates"]
        if len(recent_list) < 5:
            recent_list.append(update)
    for action in actions:
        action.stale = (
            action.status in Action.OPEN_STATUSES
            and action.start_date <= since
            and not action.has_recent_update
        )
        by_area[action.focus_area_id]["actions"].append(action)
    for goal in goals:
        by_area[goal.focus_area_id]["goals"].append(goal)
    rows = []
    for entry in by_area.values():
        counts = {s: 0 for s, _label in Action.Status.choices}
        for action in entry["actions"]:
            counts[action.status] += 1
        entry["counts"] = [(value, label, counts[value]) for value, label in Action.Status.choices]
        entry["late"] = [a for a in entry["actions"] if a.late]
        entry["stale"] = [a for a in entry["actions"] if a.stale]
        entry["total"] = len(entry["actions"])
        rows.append(entry)
    hours = dict(
        ActionUpdate.objects.filter(action__focus_area__agreement=agreement)
        .values_list("action__focus_area")
        .annotate(total=Sum("hours_spent"))
        .values_list("action__focus_area", "total")
    )
    for entry in rows:
        entry["hours"] = hours.get(entry["area"].pk) or 0
    all_actions = [a for row in rows for a in row["actions"]]
    totals = {
        "actions": len(all_actions),
        "late": sum(1 for a in all_actions if a.late),
        "stale": sum(1 for a in all_actions if a.stale),
        "done": sum(1 for a in all_actions if a.status == Action.Status.DONE),
        "hours": sum(row["hours"] for row in rows),
    }
    return {"areas": rows, "totals": totals, "today": today}
