"""The situation report on a meeting's agenda (the meetings app's agenda-source extension point).

The item is never shareable: the report's counts include restricted incidents, and a share-link
visitor is anonymous, so neither the numbers nor a link to them belong on a shared page (the
report page itself needs a login and a membership anyway).
"""

from django.utils.translation import gettext as _


def situation_report_source(meeting, previous):
    from meetings.agenda_sources import AgendaItemSpec

    from .report_models import SituationReport

    report = SituationReport.objects.filter(meeting=meeting).order_by("-version").first()
    if report is None:
        return []
    totals = report.data.get("totals")
    if not totals:  # queued or compiling for the first time: the item is there, numbers later
        description = _("The situation report is being compiled.")
    else:
        description = _(
            "%(count)s incidents %(start)s–%(end)s (previous period: %(previous)s)."
        ) % {
            "count": totals.get("current", 0),
            "previous": totals.get("previous", 0),
            "start": report.period_start.isoformat(),
            "end": report.period_end.isoformat(),
        }
    return [
        AgendaItemSpec(
            key="report",
            title=_("Situation report (%(status)s)") % {"status": report.get_status_display()},
            description=description,
            link=report.get_absolute_url(),
            shareable=False,
            obj=report,
        )
    ]


def register():
    try:
        from meetings.agenda_sources import register_agenda_source
    except ImportError:  # without the meetings app there is no agenda to attach to
        return
    register_agenda_source("situation_report", situation_report_source, order=5)
