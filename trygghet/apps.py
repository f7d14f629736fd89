from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrygghetConfig(AppConfig):
    name = "trygghet"
    verbose_name = _("Trygghet")

    def ready(self):
        # Signal receivers: the login limits', and a deleted photo's or document's file.
        from . import attachments, login  # noqa: F401
        from .schedules import ensure_periodic_task

        def schedule_housekeeping(sender, **kwargs):
            # Stored files no row names (trygghet/attachments.py, sweep_orphan_files).
            ensure_periodic_task(
                name="Remove orphan files",
                task="trygghet.tasks.sweep_orphan_files",
                crontab={"minute": "41", "hour": "3"},
                expire_seconds=23 * 3600,
            )
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
            # Subscriptions and alerts (trygghet/alerts.py): what is new, at once or in digests.
            ensure_periodic_task(
                name="Build alerts",
                task="trygghet.tasks.build_alerts",
                every_seconds=60,
                expire_seconds=55,
            )
            ensure_periodic_task(
                name="Send daily alert digests",
                task="trygghet.tasks.send_alert_digests",
                crontab={"minute": "0", "hour": "7"},
                expire_seconds=23 * 3600,
                kwargs={"frequency": "daily"},
            )
            ensure_periodic_task(
                name="Send weekly alert digests",
                task="trygghet.tasks.send_alert_digests",
                crontab={"minute": "0", "hour": "7", "day_of_week": "1"},
                expire_seconds=6 * 24 * 3600,
                kwargs={"frequency": "weekly"},
            )

        post_migrate.connect(schedule_housekeeping, sender=self, weak=False)
