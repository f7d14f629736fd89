"""The start page's situation-report section, for ``trygghet.views.dashboard_sections``:

from situation_reports.report_dashboard import dashboard_section
sections = [s for s in [dashboard_section(request), ...] if s]
"""

from . import report_compile
from .report_models import SituationReport
from .report_views import change_text


def dashboard_section(request):
    """The latest compiled report of the municipality (or None when there is none)."""
    report = (
        SituationReport.objects.restrict(request.membership)
        .ready()
        .select_related("municipality", "meeting")
        .order_by("-period_end", "-version", "-pk")
        .first()
    )
    if report is None:
        return None
    # The figures this member may see (the count rule); none of a report compiled before
    # open-only figures were kept, for a reader outside public authorities.
    shown = report_compile.figures_for(report.data, request.membership) or {}
    totals = shown.get("totals", {})
    return {
        "template": "situation_reports/report_dashboard.html",
        "report": report,
        "totals": totals,
        "vs_previous_text": change_text(totals.get("vs_previous")),
    }
