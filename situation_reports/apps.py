from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SituationReportsConfig(AppConfig):
    name = "situation_reports"
    verbose_name = _("Incidents and situation reports")

    def ready(self):
        # Not at the top: these import models, which are not loaded when apps.py is.
        from trygghet.schedules import ensure_periodic_task

        from . import agenda
        from .services.categories import ensure_default_categories
        from .services.indicator_catalogue import ensure_default_indicators

        # The incidents, what is coming and the situation report on meetings' agendas.
        agenda.register()

        def after_migrate(sender, **kwargs):
            ensure_default_categories()
            ensure_default_indicators()
            # One schedule for every municipality; each municipality switches itself on with
            # PoliceImportSetting.enabled (off by default), so the task does nothing until then.
            ensure_periodic_task(
                name="Fetch police open-data events",
                task="situation_reports.tasks.fetch_police_events",
                every_seconds=5 * 60,
                expire_seconds=4 * 60,
            )
            # The lead time before each situation-group meeting is SITUATION_REPORT_LEAD_HOURS
            # (24 by default), or the task's "hours" argument set here in the admin.
            ensure_periodic_task(
                name="Compile situation reports before meetings",
                task="situation_reports.compile_reports_before_meetings",
                every_seconds=15 * 60,
                expire_seconds=14 * 60,
            )
            # The action plan: the review reminder (daily: it is sent once per plan, 90 days
            # before its review date) and the measures' quarterly reminders (the day the
            # agreement actions' are sent).
            ensure_periodic_task(
                name="Remind coordinators of action plan reviews",
                task="situation_reports.remind_plan_reviews",
                crontab={"minute": "15", "hour": "7"},
                expire_seconds=20 * 3600,
            )
            ensure_periodic_task(
                name="Remind responsible persons to follow up measures (quarterly)",
                task="situation_reports.remind_measure_leads",
                crontab={
                    "minute": "5",
                    "hour": "8",
                    "day_of_month": "1",
                    "month_of_year": "3,6,9,12",
                },
                expire_seconds=20 * 3600,
            )

            # Retention (gallring): nightly, each municipality's current decision, if any.
            ensure_periodic_task(
                name="Apply retention decisions (gallring)",
                task="situation_reports.apply_retention_decisions",
                crontab={"minute": "30", "hour": "2"},
                expire_seconds=20 * 3600,
            )

        post_migrate.connect(after_migrate, sender=self, weak=False)
