from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Councils and agreements")

    def ready(self):
        # Imported here, not at the top: trygghet.schedules imports django-celery-beat's models,
        # and this module is imported while the app registry is still being filled.
        from trygghet.schedules import ensure_periodic_task

        def schedule_reminders(sender, **kwargs):
            # On the first of the last month of each quarter, so that the lead has a month
            # to post a follow-up before the quarter's report to the strategic council.
            ensure_periodic_task(
                name="Remind action leads to follow up (quarterly)",
                task="councils.tasks.remind_action_leads",
                crontab={
                    "minute": "0",
                    "hour": "8",
                    "day_of_month": "1",
                    "month_of_year": "3,6,9,12",
                },
                expire_seconds=20 * 3600,
            )

        post_migrate.connect(schedule_reminders, sender=self, weak=False)
