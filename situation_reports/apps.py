from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SituationReportsConfig(AppConfig):
    name = "situation_reports"
    verbose_name = _("Incidents and situation reports")

    def ready(self):
        from trygghet.schedules import ensure_periodic_task

        # The situation report: its tasks (not in tasks.py, so imported here) and its agenda item.
        from . import agenda, report_tasks  # noqa: F401
        from .categories import ensure_default_categories
        from .report_agenda import register as register_report_agenda_source

        register_report_agenda_source()

        agenda.register()

        def after_migrate(sender, **kwargs):
            ensure_default_categories()
            # One schedule for every municipality; each municipality switches itself on with
            # PoliceImportSetting.enabled (off by default), so the task does nothing until then.
            ensure_periodic_task(
                name="Fetch police open-data events",
                task="situation_reports.tasks.fetch_police_events",
                every_seconds=5 * 60,
                expire_seconds=4 * 60,
            )

        post_migrate.connect(after_migrate, sender=self, weak=False)
        post_migrate.connect(schedule_reports, sender=self, weak=False)


def schedule_reports(sender, **kwargs):
    from trygghet.schedules import ensure_periodic_task

    # The lead time before each situation-group meeting is SITUATION_REPORT_LEAD_HOURS (24 by
    # default), or the task's "hours" argument set here in the admin.
    ensure_periodic_task(
        name="Compile situation reports before meetings",
        task="situation_reports.compile_reports_before_meetings",
        every_seconds=15 * 60,
        expire_seconds=14 * 60,
    )
