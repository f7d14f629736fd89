"""Pages of the strategic lägesbild (4 § lag 2023:196) and its problem register.

A strategic lägesbild is a ``SituationReport`` of kind ``strategic``: its page, review steps,
comments, new versions and PDF are the report pages' (``views.reports``), which show its
sections (``presenting.present_strategic``). Here: the list and the request for a new one, and
the problems with their cause analysis, written while the lägesbild is a draft or in review and
locked with it once approved.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from councils.models import Area
from trygghet.access import municipal_view
from trygghet.tenancy import EVERYONE, MANAGERS

from .. import permissions, tasks
from ..forms.strategic import ProblemForm, StrategicReportForm
from ..models import (
    IncidentCategory,
    Measure,
    Priority,
    Problem,
    ReportLocked,
    SituationReport,
)
from ..models.indicators import Indicator
from ..models.problems import PRIORITY_ORDER
from ..services import compiling, workflow


def _strategic(request):
    return SituationReport.objects.restrict(request.membership).strategic()


def _form(request, data=None):
    return StrategicReportForm(data, bodies=compiling.strategic_bodies(request.municipality))


def _list_context(request, form):
    reports = _strategic(request).select_related("body", "approved_by", "municipality")
    return {
        "reports": reports,
        "form": form if permissions.can_manage_reports(request.membership) else None,
        "has_bodies": compiling.strategic_bodies(request.municipality).exists(),
    }


@municipal_view(roles=EVERYONE)
def strategic_list(request):
    return render(
        request, "situation_reports/strategic_list.html", _list_context(request, _form(request))
    )


@municipal_view(roles=MANAGERS)
@require_POST
def strategic_create(request):
    form = _form(request, request.POST)
    if not form.is_valid():
        return render(
            request,
            "situation_reports/strategic_list.html",
            _list_context(request, form),
            status=400,
        )
    data = form.cleaned_data
    report = compiling.create_strategic_report(
        request.municipality, data["body"], data["start"], data["end"], user=request.user
    )
    tasks.compile_situation_report.enqueue(report.municipality_id, report.pk)
    messages.info(request, _("The report is being compiled. This page updates by itself."))
    return redirect(report.get_absolute_url())


# --- Problems -----------------------------------------------------------------------------------


def _problems(request):
    return Problem.objects.in_municipality(request.municipality).select_related(
        "report", "report__municipality"
    )


@municipal_view(roles=EVERYONE)
def problem_register(request):
    """The problems of the current version of each strategic lägesbild, newest lägesbild first,
    then by priority."""
    problems = (
        _problems(request)
        .current()
        .filter(report__in=_strategic(request))
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("name")),
            Prefetch("categories", queryset=IncidentCategory.objects.order_by("name")),
        )
    )
    priority = request.GET.get("priority", "")
    if priority in Priority.values:
        problems = problems.filter(priority=priority)
    problems = list(problems)
    problems.sort(
        key=lambda p: (-p.report.period_end.toordinal(), PRIORITY_ORDER[p.priority], p.position)
    )
    return render(
        request,
        "situation_reports/problem_register.html",
        {"problems": problems, "priority": priority, "priorities": Priority.choices},
    )


def _report_for_problems(request, pk):
    report = get_object_or_404(_strategic(request).select_related("municipality"), pk=pk)
    if not permissions.can_edit_report(request.membership, report):
        raise PermissionDenied
    return report


def _problem_form_page(request, report, form, status=200):
    return render(
        request,
        "situation_reports/problem_form.html",
        {"report": report, "form": form, "problem": form.instance if form.instance.pk else None},
        status=status,
    )


def _save(request, report, form):
    if not form.is_valid():
        return _problem_form_page(request, report, form, status=400)
    try:
        problem = workflow.save_problem(report, form, request.user)
    except (ReportLocked, workflow.WorkflowError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(report.get_absolute_url())
    messages.success(request, _("The problem is saved."))
    return redirect(problem.get_absolute_url())


@municipal_view(roles=MANAGERS)
def problem_create(request, report_pk):
    report = _report_for_problems(request, report_pk)
    if request.method == "POST":
        return _save(request, report, ProblemForm(request.POST, report=report))
    return _problem_form_page(request, report, ProblemForm(report=report))


def _problem(request, pk):
    return get_object_or_404(
        _problems(request).filter(report__in=_strategic(request)).select_related("continues"),
        pk=pk,
    )


@municipal_view(roles=EVERYONE)
def problem_detail(request, pk):
    problem = _problem(request, pk)
    return render(
        request,
        "situation_reports/problem_detail.html",
        {
            "problem": problem,
            "report": problem.report,
            "can_edit": permissions.can_edit_report(request.membership, problem.report),
            "indicators": [
                (indicator, indicator.url_for(request.municipality))
                for indicator in problem.indicators.all()
            ],
            # The measures answering it, of the plans this reader may see (drafts: managers).
            "measures": Measure.objects.restrict(request.membership)
            .filter(problems=problem)
            .select_related("plan")
            .order_by("-plan__first_year", "position"),
        },
    )


@municipal_view(roles=MANAGERS)
def problem_edit(request, pk):
    problem = _problem(request, pk)
    report = _report_for_problems(request, problem.report_id)
    if request.method == "POST":
        return _save(request, report, ProblemForm(request.POST, instance=problem, report=report))
    return _problem_form_page(request, report, ProblemForm(instance=problem, report=report))


@municipal_view(roles=MANAGERS)
@require_POST
def problem_delete(request, pk):
    problem = _problem(request, pk)
    report = _report_for_problems(request, problem.report_id)
    try:
        workflow.delete_problem(problem)
    except ReportLocked as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The problem is removed."))
    return redirect(report.get_absolute_url() + "#section-analysis")


def problems_of(report):
    """The problems shown in a lägesbild's analysis, by priority."""
    problems = list(
        report.problems.prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("name")),
            Prefetch("categories", queryset=IncidentCategory.objects.order_by("name")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "name")),
        )
    )
    problems.sort(key=lambda p: (PRIORITY_ORDER[p.priority], p.position, p.pk))
    return problems
