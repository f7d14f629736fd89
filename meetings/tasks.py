"""Thin Celery tasks: take ids, call a service. All are idempotent."""

from celery import shared_task

from trygghet.celery import municipal_task
from trygghet.tenancy import each_municipality

from . import services
from .models import Meeting, MeetingSeries


@shared_task
def generate_meetings(weeks=services.DEFAULT_HORIZON_WEEKS):
    """Nightly: one task per active series, so that one large or broken series delays no other
    and the work spreads over the workers (issue 10, finding 4); then, per municipality, the
    agendas of the coming meetings that belong to no series. Returns the series enqueued."""
    enqueued = 0
    for municipality in each_municipality():
        series_ids = list(
            MeetingSeries.objects.active().order_by("pk").values_list("pk", flat=True)
        )
        for series_id in series_ids:
            generate_series_meetings.enqueue(municipality.pk, series_id, weeks=weeks)
        enqueued += len(series_ids)
        services.refresh_upcoming_agendas(meetings=Meeting.objects.filter(series__isnull=True))
    return enqueued


@municipal_task
def generate_series_meetings(municipality_id, series_id, weeks=services.DEFAULT_HORIZON_WEEKS):
    """Plan one series' meetings and refresh the agendas of its coming ones. Returns the number
    of meetings created (0 for a series deleted or switched off since it was enqueued)."""
    series = (
        MeetingSeries.objects.active()
        .select_related("body", "municipality")
        .filter(pk=series_id)
        .first()
    )
    if series is None:
        return 0
    created = services.generate_series_meetings(series, weeks=weeks)
    services.refresh_upcoming_agendas(meetings=series.meetings.all())
    return len(created)


# Publishing queues its mails itself (services.publish_agenda); this task is kept for messages
# already on the broker: it queues (once) and sends what is unsent.
@municipal_task
def send_agenda_email(municipality_id, meeting_id):
    return services.send_agenda_email(meeting_id)


@municipal_task
def send_reminder(municipality_id, meeting_id):
    return services.send_reminder(meeting_id)


@shared_task
def send_due_reminders():
    sent = 0
    for municipality in each_municipality():
        for meeting_id in list(services.meetings_due_for_reminder()):
            send_reminder.enqueue(municipality.pk, meeting_id)
            sent += 1
    return sent
