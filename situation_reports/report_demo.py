"""Demo situation reports: every past meeting of the situation groups gets its report, compiled,
commented and approved, so a new user sees a history; the next meeting gets one in review,
attached to its agenda.

Runs after the meetings demo (it needs the meetings): ``seed_demo`` lists this module after
``meetings.demo``. Idempotent: a meeting that has its report is left alone.
"""

from django.utils import timezone

from councils.models import Body, Membership

from . import report_compile, report_workflow
from .report_models import ReportComment, SituationReport

ASSESSMENT = (
    "Läget är i stort sett oförändrat jämfört med föregående period. Stölder och skadegörelse "
    "dominerar; kvällstid i centrum sticker ut. Polisen och kommunen bedömer att den ökade "
    "närvaron vid stationen har haft effekt."
)
RECOMMENDATIONS = (
    "Fortsätt de riktade insatserna kvällstid vid stationen. Följ upp belysningen i de "
    "områden som trygghetsvandringen pekade ut. Informera skolorna inför kommande lov."
)


def seed_reports(stdout=None):
    made = 0
    now = timezone.now()
    for body in Body.objects.filter(kind=Body.Kind.SITUATION_GROUP, is_active=True).select_related(
        "municipality"
    ):
        approver = _approver(body)
        meetings = list(
            body.meetings.exclude(status="cancelled").filter(kind="meeting").order_by("start")
        )
        past = [m for m in meetings if m.start < now]
        upcoming = [m for m in meetings if m.start >= now][:1]
        for meeting in past:
            if SituationReport.objects.filter(meeting=meeting).exists():
                continue
            report, _created = report_compile.report_for_meeting(meeting)
            report_compile.compile_report(report.pk)
            report.refresh_from_db()
            report_workflow.save_section(report, "assessment", ASSESSMENT, approver)
            report_workflow.save_section(report, "recommendations", RECOMMENDATIONS, approver)
            report_workflow.submit_for_review(report, approver)
            ReportComment.objects.create(
                report=report,
                section="categories",
                author=approver,
                text="Stämmer med vår bild från fältet.",
            )
            if approver is not None:
                report_workflow.approve(report, approver)
            made += 1
        for meeting in upcoming:
            if SituationReport.objects.filter(meeting=meeting).exists():
                continue
            report, _created = report_compile.report_for_meeting(meeting)
            report_compile.compile_report(report.pk)
            report.refresh_from_db()
            report_workflow.submit_for_review(report, approver)
            report_workflow.attach_to_agenda(report)
            made += 1
    if stdout:
        stdout.write(f"situation reports: {made} compiled")
    return made


def _approver(body):
    chair = (
        Membership.objects.current()
        .filter(body=body, role=Membership.Role.CHAIR)
        .select_related("user")
        .first()
    )
    if chair is not None:
        return chair.user
    from councils.models import MunicipalityMembership

    manager = (
        MunicipalityMembership.objects.filter(
            municipality=body.municipality, role__in=["coordinator", "admin"], is_active=True
        )
        .select_related("user")
        .first()
    )
    return manager.user if manager else None


# ``seed_demo`` calls ``seed`` of each module it lists.
seed = seed_reports
