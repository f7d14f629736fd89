from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SituationReportsConfig(AppConfig):
    name = "situation_reports"
    verbose_name = _("Incidents and situation reports")

    def ready(self):
        from trygghet.schedules import ensure_periodic_task

        from .categories import ensure_default_categories

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
