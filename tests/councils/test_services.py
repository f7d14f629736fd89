import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from councils.models import (
    Action,
    ActionReminder,
    ActionUpdate,
    Agreement,
    GoalMeasurement,
)
from councils.services import agreements, reminders
from councils.tasks import remind_action_leads
from tests.helpers import free_port, run_at_once, wait_until
from trygghet.tenancy import each_municipality

from .conftest import days

# --- Renewal --------------------------------------------------------------------------------


@pytest.fixture
def varied_actions(world, member, municipal_admin_org):
    area = world["focus_area"]

    def make(title, status):
        return Action.objects.create(
            focus_area=area,
            title=title,
            responsible_organisation=municipal_admin_org,
            lead=member,
            start_date=days(-100),
            due_date=days(100),
            status=status,
        )

    return {
        "planned": make("Planerad", "planned"),
        "done": make("Klar", "done"),
        "cancelled": make("Inställd", "cancelled"),
    }


def test_renewal_copies_focus_areas_goals_and_unfinished_actions_only(world, varied_actions):
    old = world["agreement"]
    GoalMeasurement.objects.create(goal=world["goal"], measured_on=days(-10), value="6.5")
    new = agreements.renew_agreement(old)

    assert new.pk != old.pk and new.previous == old
    assert new.status == Agreement.Status.DRAFT
    assert new.start_date == old.end_date + datetime.timedelta(days=1)
    assert [a.title for a in new.focus_areas.all()] == [world["focus_area"].title]
    copied = set(Action.objects.filter(focus_area__agreement=new).values_list("title", flat=True))
    assert copied == {world["action"].title, "Planerad"}
    copy = Action.objects.get(focus_area__agreement=new, title=world["action"].title)
    assert copy.copied_from == world["action"]
    assert copy.status == Action.Status.ONGOING
    assert not copy.updates.exists()
    goal = new.focus_areas.get().goals.get()
    assert goal.target == Decimal(world["goal"].target)
    assert goal.baseline == Decimal("6.5"), "the next period starts from the latest value"
    assert new.citizen_promises.count() == 1


def test_renewal_leaves_the_old_agreement_unchanged(world, varied_actions):
    old = world["agreement"]
    ActionUpdate.objects.create(
        action=world["action"],
        author=world["action"].lead,
        note="Halvvägs",
        status="ongoing",
        previous_status="ongoing",
    )

    def snapshot():
        return (
            list(Agreement.objects.filter(pk=old.pk).values()),
            list(Action.objects.filter(focus_area__agreement=old).order_by("pk").values()),
            list(ActionUpdate.objects.order_by("pk").values()),
            list(old.focus_areas.values()),
        )

    before = snapshot()
    agreements.renew_agreement(old)
    assert snapshot() == before


def test_an_agreement_is_renewed_only_once(world):
    agreements.renew_agreement(world["agreement"])
    with pytest.raises(ValidationError):
        agreements.renew_agreement(world["agreement"])


def test_a_one_year_agreement_renews_for_the_next_year(world):
    agreement = world["agreement"]
    agreement.start_date = datetime.date(2026, 1, 1)
    agreement.end_date = datetime.date(2026, 12, 31)
    assert agreements.next_period(agreement) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 12, 31),
    )


def test_the_coordinator_renews_through_the_page(client, coordinator, world):
    client.force_login(coordinator)
    old = world["agreement"]
    response = client.post(
        old.get_absolute_url() + "renew/",
        {
            "title": "Överenskommelse 2028–2029",
            "start_date": "2028-01-01",
            "end_date": "2029-12-31",
        },
    )
    new = Agreement.objects.get(previous=old)
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    assert new.title == "Överenskommelse 2028–2029"
    # A second renewal is refused: the page sends to the renewal that exists.
    response = client.post(
        old.get_absolute_url() + "renew/",
        {"title": "x", "start_date": "2030-01-01", "end_date": "2030-12-31"},
    )
    assert Agreement.objects.filter(previous=old).count() == 1


# --- Follow-up ------------------------------------------------------------------------------


def test_posting_an_update_moves_the_action_and_keeps_history(world, member):
    action = world["action"]
    agreements.post_action_update(
        action, author=member, note="Start", status="ongoing", hours_spent=3
    )
    agreements.post_action_update(action, author=member, note="Klart", status="done", hours_spent=5)
    action.refresh_from_db()
    assert action.status == "done"
    updates = list(action.updates.order_by("pk"))
    assert [(u.previous_status, u.status) for u in updates] == [
        ("ongoing", "ongoing"),
        ("ongoing", "done"),
    ]


def test_follow_up_counts_statuses_late_stale_and_latest_goal_value(
    world, member, municipal_admin_org
):
    area = world["focus_area"]
    late = Action.objects.create(
        focus_area=area,
        title="Sen",
        responsible_organisation=municipal_admin_org,
        lead=member,
        start_date=days(-200),
        due_date=days(-5),
        status="planned",
    )
    ActionUpdate.objects.create(
        action=late,
        author=member,
        note="Gammal",
        status="planned",
        previous_status="planned",
        date=days(-120),
    )
    GoalMeasurement.objects.create(goal=world["goal"], measured_on=days(-300), value="7")
    GoalMeasurement.objects.create(goal=world["goal"], measured_on=days(-20), value="4.5")
    data = agreements.follow_up(world["agreement"])
    row = data["areas"][0]
    counts = {value: n for value, _label, n in row["counts"]}
    assert counts == {"planned": 1, "ongoing": 1, "done": 0, "cancelled": 0}
    assert [a.title for a in row["late"]] == ["Sen"]
    assert [a.title for a in row["stale"]] == ["Sen"], "the fresh action started 30 days ago"
    goal = row["goals"][0]
    assert goal.latest_value == Decimal("4.5") and goal.latest_is_met is True
    assert data["totals"] == {"actions": 2, "late": 1, "stale": 1, "done": 0, "hours": 0}


def test_an_action_never_followed_up_for_90_days_is_stale(world):
    action = world["action"]
    Action.objects.filter(pk=action.pk).update(start_date=days(-91))
    assert list(Action.objects.stale()) == [action]
    ActionUpdate.objects.create(
        action=action, author=action.lead, note="Nu", status="ongoing", previous_status="ongoing"
    )
    assert not Action.objects.stale().exists()


# --- Quarterly reminders --------------------------------------------------------------------


def test_it_reminds_each_lead_without_an_update_this_quarter_once(world, mailoutbox):
    today = days(0)
    assert reminders.remind_action_leads(today) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [world["action"].lead.email]
    assert world["action"].title in message.subject
    assert world["action"].get_absolute_url() in message.body
    assert message.body.startswith("Hej"), "the mail is in the interface language, Swedish"
    # Run again (a retried or duplicated task): nothing more is sent.
    assert reminders.remind_action_leads(today) == 0
    assert len(mailoutbox) == 1
    assert ActionReminder.objects.get().quarter == reminders.quarter_of(today)[0]


def test_the_task_is_idempotent_too(world, mailoutbox):
    remind_action_leads.apply()
    remind_action_leads.apply()
    assert len(mailoutbox) == 1


def test_it_does_not_remind_a_lead_who_followed_up_this_quarter(world, mailoutbox):
    action = world["action"]
    ActionUpdate.objects.create(
        action=action,
        author=action.lead,
        note="Klart för kvartalet",
        status="ongoing",
        previous_status="ongoing",
        date=days(0),
    )
    assert reminders.remind_action_leads(days(0)) == 0
    assert mailoutbox == []


def test_it_does_not_remind_finished_actions_or_ended_agreements(world, mailoutbox):
    Action.objects.filter(pk=world["action"].pk).update(status="done")
    assert reminders.remind_action_leads(days(0)) == 0
    Action.objects.filter(pk=world["action"].pk).update(status="ongoing")
    Agreement.objects.filter(pk=world["agreement"].pk).update(status="ended")
    assert reminders.remind_action_leads(days(0)) == 0
    assert mailoutbox == []


def test_it_reminds_again_next_quarter(world, mailoutbox):
    today = days(0)
    reminders.remind_action_leads(today)
    next_quarter = reminders.quarter_of(today)[1] + datetime.timedelta(days=100)
    Action.objects.filter(pk=world["action"].pk).update(
        due_date=next_quarter + datetime.timedelta(days=30)
    )
    assert reminders.remind_action_leads(next_quarter) == 1
    assert len(mailoutbox) == 2


def test_a_reminder_recorded_but_not_sent_is_sent_by_the_next_run(world, mailoutbox):
    """A crash between recording and sending leaves an unsent row: the next run sends it,
    once."""
    quarter = reminders.quarter_of(days(0))[0]
    ActionReminder.objects.create(action=world["action"], quarter=quarter)
    assert reminders.remind_action_leads(days(0)) == 1
    assert len(mailoutbox) == 1
    assert ActionReminder.objects.get().sent_at is not None


def test_a_failed_send_leaves_the_reminder_unsent_for_the_outbox_to_retry(
    world, mailoutbox, smtp, settings
):
    from trygghet import outbox
    from trygghet.models import OutgoingEmail

    settings.EMAIL_PORT = free_port()  # the mail server is down
    assert reminders.remind_action_leads(days(0)) == 0
    row = OutgoingEmail.objects.get(key=f"action-reminder:{ActionReminder.objects.get().pk}")
    assert (row.status, row.attempts, row.recipient) == ("pending", 1, world["action"].lead.email)
    assert reminders.remind_action_leads(days(0)) == 0  # recorded once: not queued again
    settings.EMAIL_PORT = smtp.port
    assert outbox.send_due(now=row.next_attempt_at) == 1
    assert smtp.recipients() == [world["action"].lead.email]
    assert reminders.remind_action_leads(days(0)) == 0
    assert OutgoingEmail.objects.count() == 1


def test_the_quarterly_schedule_exists_after_migrate(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="councils.tasks.remind_action_leads")
    assert task.crontab.month_of_year == "3,6,9,12"


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_the_same_time_send_one_mail(world, mailoutbox):
    """The task run twice at once (a duplicated beat, a redelivered message) sends once."""

    def run():
        # A thread starts with no scope: like the task, it works in each municipality.
        for _municipality in each_municipality():
            reminders.remind_action_leads(days(0))

    run_at_once(run)
    assert len(mailoutbox) == 1
    assert ActionReminder.objects.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once_even_when_the_task_is_sent_twice(
    world, start_worker
):
    worker = start_worker()
    remind_action_leads.delay()
    remind_action_leads.delay()
    wait_until(
        lambda: ActionReminder.objects.filter(sent_at__isnull=False).exists(),
        message="the worker to send the quarterly reminder",
    )
    # Let the second delivery run too, then count: one reminder for the one action.
    wait_until(
        lambda: "remind_action_leads" in worker.output() and worker.succeeded() >= 2,
        message="both deliveries of the task to finish",
    )
    reminder = ActionReminder.objects.get()
    assert reminder.action == world["action"]
    assert reminder.recipient == world["action"].lead.email
