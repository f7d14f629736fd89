"""Pages of the situation report: list, compile on demand (with htmx progress), the report with
its sections, comments and review steps, PDF, comparison of two reports, and the trend page.

Reports are read from ``SituationReport.objects.restrict(request.membership)``: another
municipality's report is 404. The numbers are the frozen ``data`` as the reader may see them
(``presenting.present``); who may write, comment and approve is asked of
``situation_reports.permissions``.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from councils.permissions import PREPARED_IT
from trygghet.access import municipal_view
from trygghet.pdf import pdf_response
from trygghet.tenancy import EVERYONE, MANAGERS

from .. import permissions, tasks
from ..forms.reports import CommentForm, CompareForm, CompileForm, NewVersionForm, SectionForm
from ..models import Priority, ReportLocked, SituationReport
from ..services import charts, compiling, workflow
from ..services.figures import change, change_text, figures_for
from ..services.trend import weekly_trend
from .presenting import present, present_follow_up, present_strategic
from .strategic import problems_of

PAGE_SIZE = 25


def _reports(request):
    return SituationReport.objects.restrict(request.membership)


def _get(request, pk):
    report = _get_report(request, pk)
    # The navigation shows where the page belongs (its address is every report's).
    if report.is_follow_up:
        request.nav_active = "situation_reports:plan-list"
    elif report.is_strategic:
        request.nav_active = "situation_reports:strategic-list"
    return report


def _get_report(request, pk):
    return get_object_or_404(
        _reports(request).select_related(
            "meeting",
            "body",
            "approved_by",
            "compiled_by",
            "supersedes",
            "municipality",
            "action_plan",
        ),
        pk=pk,
    )


def _compile(report):
    """Send the compile task once the transaction commits. With the broker down the report
    stays queued (the page says so) and the beat's sweep sends it once the broker is back: the
    request never fails because of the broker (``TrygghetTask.enqueue``)."""
    tasks.compile_situation_report.enqueue(report.municipality_id, report.pk)


def _context(request, report, **extra):
    """What the page (and the PDF) of a report shows: its sections with their text and
    comments, the figures as this reader may see them, and who may do what. The sections and
    figures are those of its kind (``_operational_parts``, ``_strategic_parts``)."""
    membership = request.membership
    view, section_info, more = report_parts(report, membership)
    superseded_by = SituationReport.objects.filter(supersedes=report).first()
    return {
        "report": report,
        "meeting_url": _meeting_url(report),
        "view": view,
        "section_info": section_info,
        "can_edit": permissions.can_edit_report(membership, report),
        "can_comment": permissions.can_comment(report, membership),
        "can_approve": report.status == SituationReport.Status.IN_REVIEW
        and not superseded_by
        and permissions.can_approve(report, membership),
        "approvers": permissions.approvers(report),
        "compiler_refused": report.status == SituationReport.Status.IN_REVIEW
        and permissions.approve_refusal(report, membership) == PREPARED_IT,
        "can_manage": permissions.can_manage_reports(membership),
        "superseded_by": superseded_by,
        **more,
        **extra,
    }


def report_parts(report, reader, *, comments=True):
    """A report's sections (their text, and the comments unless ``comments`` is False) and
    its figures as ``reader`` may see them: ``(view, section_info, more)``. ``reader`` is a
    membership, or ``sharing.PUBLIC_LEVEL`` for a lägesbild shared with a neighbour."""
    sections = {s.key: s for s in report.sections.select_related("updated_by")}
    by_section = defaultdict(list)
    if comments:
        for comment in report.comments.select_related("author"):
            by_section[comment.section].append(comment)
    section_info = {
        key: {
            "key": key,
            "title": title,
            "text": sections[key].text if key in sections else "",
            "comments": by_section.get(key, []),
        }
        for key, title in report.sections_of_kind
    }
    if report.is_follow_up:
        parts = _follow_up_parts
    else:
        parts = _strategic_parts if report.is_strategic else _operational_parts
    view, more = parts(report, reader, section_info)
    return view, section_info, more


def _operational_parts(report, membership, section_info):
    """The situation group's report: the category and area tables sit in their sections."""
    view = present(report, membership)
    if view is not None and not view["withheld"]:
        section_info["categories"].update(
            rows=view["categories"],
            chart=view["categories_chart"],
            caption=_("Incidents by category (the chart's data)"),
        )
        section_info["areas"].update(
            rows=view["areas"],
            chart=view["areas_chart"],
            caption=_("Incidents by area (the chart's data)"),
        )
    return view, {}


def _strategic_parts(report, membership, section_info):
    """A strategic lägesbild: the five sections of 4 § lag 2023:196, each text headed as the
    assessment, and the problems of its analysis."""
    for info in section_info.values():
        info["text_title"] = _("Assessment")
    problems = problems_of(report)
    return present_strategic(report, membership), {
        "problems": problems,
        "high_priority": [p for p in problems if p.priority == Priority.HIGH],
    }


def _follow_up_parts(report, membership, section_info):
    """The action plan's annual follow-up to the municipal board: the plan and its year, the
    measures by problem, what changed in the lägesbild, and the recommendations."""
    return present_follow_up(report), {"plan": report.action_plan}


def _meeting_url(report):
    return report.meeting.get_absolute_url() if report.meeting_id else ""


# --- Views ---------------------------------------------------------------------------------------


@municipal_view(roles=EVERYONE)
def report_list(request):
    reports = (
        _reports(request)
        .operational()
        .select_related("meeting", "body", "approved_by", "municipality")
        .order_by("-period_end", "-version", "-pk")
    )
    status = request.GET.get("status", "")
    if status in SituationReport.Status.values:
        reports = reports.filter(status=status)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = permissions.can_manage_reports(request.membership)
    return render(
        request,
        "situation_reports/report_list.html",
        {
            "page": page,
            "reports": page.object_list,
            "status": status,
            "statuses": SituationReport.Status.choices,
            "compile_form": _compile_form(request) if can_manage else None,
            "compare_form": CompareForm(queryset=_compare_choices(request)),
        },
    )


def _compare_choices(request):
    return _reports(request).operational().ready().select_related("meeting", "municipality")


def _compile_form(request, data=None):
    """The on-demand compile form, naming the meeting whose report "since the last meeting"
    updates."""
    municipality = request.municipality
    body = compiling.situation_group(municipality)
    start, end = compiling.default_period(municipality, body=body)
    return CompileForm(data, meeting=compiling.meeting_for_period(body, start, end))


@municipal_view(roles=MANAGERS)
@require_POST
def report_create(request):
    form = _compile_form(request, request.POST)
    if not form.is_valid():
        return _compile_refused(request, form)
    period = form.cleaned_data["period"]
    municipality = request.municipality
    body = compiling.situation_group(municipality)
    if period == CompileForm.CUSTOM:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif period == CompileForm.SINCE_MEETING:
        start, end = compiling.default_period(municipality, body=body)
    else:
        start, end = compiling.default_period(municipality, days=int(period))
    try:
        report, send = workflow.compile_on_demand(municipality, start, end, request.user, body)
    except workflow.WorkflowError as exc:
        form.add_error(None, str(exc))
        return _compile_refused(request, form)
    if send:
        _compile(report)
    if report.meeting_id:
        messages.info(
            request,
            _("The report of %(meeting)s is being compiled again. This page updates by itself.")
            % {"meeting": report.meeting},
        )
    else:
        messages.info(request, _("The report is being compiled. This page updates by itself."))
    return redirect(report.get_absolute_url())


def _compile_refused(request, form):
    reports = (
        _reports(request)
        .operational()
        .select_related("meeting", "body", "approved_by", "municipality")
    )
    page = Paginator(reports, PAGE_SIZE).get_page(1)
    return render(
        request,
        "situation_reports/report_list.html",
        {
            "page": page,
            "reports": page.object_list,
            "statuses": SituationReport.Status.choices,
            "compile_form": form,
            "compare_form": CompareForm(queryset=_compare_choices(request)),
        },
        status=400,
    )


@municipal_view(roles=EVERYONE)
def report_detail(request, pk):
    report = _get(request, pk)
    return render(request, "situation_reports/report_detail.html", _context(request, report))


@municipal_view(roles=EVERYONE)
def report_status(request, pk):
    """The htmx poll while a report is compiled: the status line, or a reload once ready."""
    report = _get(request, pk)
    if not report.is_pending:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "situation_reports/report_status.html", {"report": report})


def _refuse(request, report, message):
    messages.error(request, message)
    return redirect(report.get_absolute_url())


@municipal_view(roles=MANAGERS)
@require_POST
def report_section(request, pk):
    report = _get(request, pk)
    form = SectionForm(request.POST, report=report)
    if not form.is_valid():
        return render(
            request,
            "situation_reports/report_detail.html",
            _context(request, report, section_form=form, section_key=request.POST.get("key")),
            status=400,
        )
    try:
        workflow.save_section(
            report, form.cleaned_data["key"], form.cleaned_data["text"], request.user
        )
    except (ReportLocked, workflow.WorkflowError) as exc:
        return _refuse(request, report, " ".join(getattr(exc, "messages", [str(exc)])))
    messages.success(request, _("The text is saved."))
    return redirect(report.get_absolute_url() + f"#section-{form.cleaned_data['key']}")


@municipal_view(roles=EVERYONE)
@require_POST
def report_comment(request, pk):
    report = _get(request, pk)
    if not report.is_approved and not permissions.can_comment(report, request.membership):
        raise PermissionDenied
    form = CommentForm(request.POST, report=report)
    if not form.is_valid():
        return render(
            request,
            "situation_reports/report_detail.html",
            _context(
                request, report, comment_form=form, comment_section=request.POST.get("section")
            ),
            status=400,
        )
    section = form.cleaned_data["section"]
    workflow.add_comment(report, section, request.user, form.cleaned_data["text"])
    messages.success(request, _("Your comment is saved."))
    return redirect(report.get_absolute_url() + f"#section-{section}")


def _recompile(report, user):
    report = workflow.recompile(report, user)
    _compile(report)
    return report


STEPS = {
    "submit": (workflow.submit_for_review, gettext_lazy("The report is sent for review.")),
    "return": (workflow.return_to_draft, gettext_lazy("The report is back in draft.")),
    permissions.APPROVE: (workflow.approve, gettext_lazy("The report is approved.")),
    "recompile": (_recompile, gettext_lazy("The report is being compiled again.")),
}


@municipal_view(roles=EVERYONE)
@require_POST
def report_step(request, pk, step):
    report = _get(request, pk)
    if step not in STEPS:
        raise PermissionDenied
    if not permissions.can_take_step(report, request.membership, step):
        raise PermissionDenied
    func, done = STEPS[step]
    try:
        func(report, request.user)
    except (ReportLocked, workflow.WorkflowError) as exc:
        return _refuse(request, report, " ".join(getattr(exc, "messages", [str(exc)])))
    messages.success(request, done)
    return redirect(report.get_absolute_url())


@municipal_view(roles=MANAGERS)
@require_POST
def report_new_version(request, pk):
    report = _get(request, pk)
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "situation_reports/report_detail.html",
            _context(request, report, version_form=form),
            status=400,
        )
    try:
        copy = workflow.new_version(report, request.user, form.cleaned_data["reason"])
    except workflow.WorkflowError as exc:
        return _refuse(request, report, str(exc))
    messages.success(request, _("A new version is made. The approved one stays unchanged."))
    return redirect(copy.get_absolute_url())


@municipal_view(roles=EVERYONE)
def report_pdf(request, pk):
    report = _get(request, pk)
    if report.is_pending:
        return redirect(report.get_absolute_url())
    context = _context(request, report, pdf=True, printed_at=timezone.localtime())
    if report.is_follow_up:
        name = pgettext("file name", "action-plan-follow-up")
    elif report.is_strategic:
        name = pgettext("file name", "strategic-situation-report")
    else:
        name = pgettext("file name", "situation-report")
    filename = f"{name}-{report.municipality.slug}-{report.period_end:%Y-%m-%d}"
    if report.version > 1:
        filename += f"-v{report.version}"
    return pdf_response(
        request, "situation_reports/report_pdf.html", context, filename=filename, attachment=True
    )


@municipal_view(roles=EVERYONE)
def report_compare(request):
    queryset = _compare_choices(request)
    form = CompareForm(request.GET or None, queryset=queryset)
    rows, totals, a, b, withheld, chart = [], None, None, None, False, None
    if form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        # Each report's figures as this reader may see them (the count rule).
        shown = [figures_for(r.data, request.membership) for r in (a, b)]
        withheld = None in shown
    if a is not None and not withheld:
        by_label = defaultdict(lambda: [0, 0])
        for index, data in enumerate(shown):
            for row in data.get("categories", []):
                by_label[row["label"]][index] += row["current"]
        rows = [
            {
                "label": label,
                "a": values[0],
                "b": values[1],
                "change": change_text(change(values[0], values[1])),
            }
            for label, values in sorted(by_label.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ]
        ta, tb = shown[0]["totals"]["current"], shown[1]["totals"]["current"]
        totals = {"a": ta, "b": tb, "change": change_text(change(ta, tb))}
        chart = charts.bar_chart(
            "compare",
            _("Incidents by category in the two reports"),
            [r["label"] for r in rows],
            [(str(a), [r["a"] for r in rows]), (str(b), [r["b"] for r in rows])],
        )
    return render(
        request,
        "situation_reports/report_compare.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "a": a,
            "b": b,
            "chart": chart,
            "withheld": withheld,
        },
    )


@municipal_view(roles=EVERYONE)
def report_trend(request):
    mondays, series = weekly_trend(request.membership)
    week_labels = [f"v{m.isocalendar()[1]}" for m in mondays]
    chart = charts.line_chart(
        "trend",
        _("Incidents per week and category, the last 52 weeks"),
        week_labels,
        series,
    )
    table = [
        {
            "week": week_labels[i],
            "monday": mondays[i],
            "values": [values[i] for _name, values in series],
            "total": sum(values[i] for _name, values in series),
        }
        for i in range(len(mondays))
    ]
    return render(
        request,
        "situation_reports/report_trend.html",
        {"chart": chart, "names": [name for name, _v in series], "table": table[::-1]},
    )
