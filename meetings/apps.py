from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # Not cycles: both import models, which Django loads after this module.
        from trygghet.schedules import ensure_periodic_task

        from .agenda_sources import register_builtin_sources

        register_builtin_sources()

        def schedule_meetings(sender, **kwargs):
            ensure_periodic_task(
                name="Create the meetings of every series",
                task="meetings.tasks.generate_meetings",
                crontab={"minute": "5", "hour": "2"},
                expire_seconds=23 * 3600,
            )
            ensure_periodic_task(
                name="Send meeting reminders",
                task="meetings.tasks.send_due_reminders",
                every_seconds=15 * 60,
                expire_seconds=14 * 60,
            )

        post_migrate.connect(schedule_meetings, sender=self, weak=False)
