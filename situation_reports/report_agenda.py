"""The situation report on a meeting's agenda (the meetings app's agenda-source extension point).

The item is never shareable: a share-link visitor is anonymous, so neither the report's numbers
nor a link to it belong on a shared page (the report page itself needs a login and a membership
anyway). Its text follows the count rule: the totals of open incidents in ``description``, those
with restricted incidents in ``restricted_description`` (for public authorities).
"""

from django.utils.translation import gettext as _

from . import report_compile


def _totals_text(report, data):
    if data is None:  # compiled before open-only figures were kept: for public authorities
        return _("The figures are on the report's page.")
    totals = data["totals"]
    return _("%(count)s incidents %(start)s–%(end)s (previous period: %(previous)s).") % {
        "count": totals.get("current", 0),
        "previous": totals.get("previous", 0),
        "start": report.period_start.isoformat(),
        "end": report.period_end.isoformat(),
    }


def situation_report_source(meeting, previous):
    from meetings.agenda_sources import AgendaItemSpec

    from .report_models import SituationReport

    report = SituationReport.objects.filter(meeting=meeting).order_by("-version").first()
    if report is None:
        return []
    restricted_description = ""
    if not report.data.get("totals"):
        # Queued or compiling for the first time: the item is there, numbers later.
        description = _("The situation report is being compiled.")
    else:
        description = _totals_text(report, report_compile.figures_for(report.data, None))
        restricted_description = _totals_text(report, report.data)
        if restricted_description == description:
            restricted_description = ""
    return [
        AgendaItemSpec(
            key="report",
            title=_("Situation report (%(status)s)") % {"status": report.get_status_display()},
            description=description,
            restricted_description=restricted_description,
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
