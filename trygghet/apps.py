from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrygghetConfig(AppConfig):
    name = "trygghet"
    verbose_name = _("Trygghet")

    def ready(self):
        from . import login  # noqa: F401  (connects the login limits' signal receivers)
        from .schedules import ensure_periodic_task

        def schedule_housekeeping(sender, **kwargs):
            ensure_periodic_task(
                name="Clear expired sessions",
                task="trygghet.tasks.clear_expired_sessions",
                crontab={"minute": "17", "hour": "3"},
                expire_seconds=23 * 3600,
            )
            # The outbox's sweep (trygghet/outbox.py): mail queued while the broker was down,
            # or due again after a failed attempt.
            ensure_periodic_task(
                name="Send unsent e-mail",
                task="trygghet.tasks.send_unsent_emails",
                every_seconds=60,
                expire_seconds=55,
            )

        post_migrate.connect(schedule_housekeeping, sender=self, weak=False)
