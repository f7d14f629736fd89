"""Pages of the situation report: list, compile on demand (with htmx progress), the report with
its sections, comments and review steps, PDF, comparison of two reports, and the trend page.

Reports are read from ``SituationReport.objects.restrict(request.membership)``: another
municipality's report is 404. The numbers are the frozen ``data`` as the reader may see them
(``report_compile.figures_for``: public authorities' figures include restricted incidents,
everyone else's come from open incidents only); what a reader sees of incidents' details
depends on ``report_workflow.detail_level``.
"""

import datetime
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from trygghet.access import EVERYONE, MANAGERS, municipal_view

from . import report_charts, report_compile, report_workflow
from .models import Incident
from .report_forms import CommentForm, CompareForm, CompileForm, NewVersionForm, SectionForm
from .report_models import SECTIONS, ReportLocked, SituationReport

PAGE_SIZE = 25
TREND_WEEKS = 52
TREND_SERIES = 6

WEEKDAYS = [
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
]


def _labels():
    """Translated labels, built per request (the language is the reader's)."""
    return {
        "weekdays": [_(d) for d in WEEKDAYS],
        "parts": [
            _("Night 00–06"),
            _("Morning 06–12"),
            _("Afternoon 12–18"),
            _("Evening 18–24"),
            _("Time unknown"),
        ],
        "sections": dict(SECTIONS),
    }


def _reports(request):
    return SituationReport.objects.restrict(request.membership)


def _get(request, pk):
    return get_object_or_404(
        _reports(request).select_related(
            "meeting", "body", "approved_by", "compiled_by", "supersedes", "municipality"
        ),
        pk=pk,
    )


# --- Presenting frozen figures ----------------------------------------------------------------


def change_text(change):
    if not change:
        return ""
    diff = change["diff"]
    text = f"{diff:+d}"
    if change.get("percent") is not None:
        text += f" ({change['percent']:+d} %)"
    return text


def _date(value):
    return formats.date_format(parse_date(value), "SHORT_DATE_FORMAT") if value else ""


def present(report, membership):
    """Everything the report page and the PDF show, from the frozen ``data`` as this reader
    may see it (``report_compile.figures_for``: the count rule)."""
    if not report.data:
        return None
    data = report_compile.figures_for(report.data, membership)
    if data is None:
        return _present_withheld(report)
    labels = _labels()
    level = report_workflow.detail_level(membership)
    for table in ("categories", "areas"):
        for row in data.get(table, []):
            row["vs_previous_text"] = change_text(row.get("vs_previous"))
            row["vs_last_year_text"] = change_text(row.get("vs_last_year"))
    totals = data["totals"]
    series_names = [
        _("This period"),
        _("Previous period"),
        _("Same period last year"),
    ]

    def bars(chart_id, title, rows):
        rows = [r for r in rows if r["current"] or r["previous"] or r["last_year"]]
        return report_charts.bar_chart(
            f"{chart_id}-{report.pk}",
            title,
            [r["label"] for r in rows],
            [
                (series_names[0], [r["current"] for r in rows]),
                (series_names[1], [r["previous"] for r in rows]),
                (series_names[2], [r["last_year"] for r in rows]),
            ],
        )

    when = data["when"]
    when_rows = [
        {"label": labels["weekdays"][i], "cells": cells, "total": sum(cells)}
        for i, cells in enumerate(when["cells"])
    ]
    # ``data`` holds only what this reader may see: for others than public authorities the
    # places, notable incidents and counts of open incidents alone.
    places = data.get("places", [])
    recurring = data.get("recurring_places", [])
    notable = data.get("notable", {"count": 0, "items": []})
    notable_items = [{**item, "date_text": _date(item["date"])} for item in notable["items"]]
    if level == "aggregates":
        places, recurring, notable_items = [], [], []
    return {
        "withheld": False,
        "data": data,
        "level": level,
        "totals": totals,
        "vs_previous_text": change_text(totals.get("vs_previous")),
        "vs_last_year_text": change_text(totals.get("vs_last_year")),
        "period_text": f"{_date(data['period']['start'])}–{_date(data['period']['end'])}",
        "previous_text": f"{_date(data['previous']['start'])}–{_date(data['previous']['end'])}",
        "last_year_text": f"{_date(data['last_year']['start'])}–{_date(data['last_year']['end'])}",
        "series_names": series_names,
        "categories": data["categories"],
        "areas": data["areas"],
        "categories_chart": bars("categories", _("Incidents by category"), data["categories"]),
        "areas_chart": bars("areas", _("Incidents by area"), data["areas"]),
        "when_chart": report_charts.heat_grid(
            f"when-{report.pk}",
            _("Incidents by weekday and part of day"),
            labels["weekdays"],
            labels["parts"],
            when["cells"],
        ),
        "when_parts": labels["parts"],
        "when_rows": when_rows,
        "when_part_totals": [sum(col) for col in zip(*when["cells"], strict=True)],
        "places": places,
        "recurring": recurring,
        "notable_count": notable["count"],
        "notable_items": notable_items,
        "sources": data.get("sources", []),
        "sources_chart": report_charts.bar_chart(
            f"sources-{report.pk}",
            _("Where the numbers come from"),
            [s["label"] for s in data.get("sources", [])],
            [(series_names[0], [s["current"] for s in data.get("sources", [])])],
        ),
        "observations": data.get("observations", {}),
        "upcoming": data.get("upcoming", {}),
        "upcoming_text": (
            f"{_date(data['upcoming']['start'])}–{_date(data['upcoming']['end'])}"
            if data.get("upcoming")
            else ""
        ),
        "actions": data.get("actions", {}),
        "action_groups": _action_groups(data),
    }


def _present_withheld(report):
    """A report compiled before its open-only figures were kept (issue 9), for a reader who is
    not a public authority: its figures include restricted incidents, so none are shown; the
    lists that do not come from incidents are."""
    data = report.data
    return {
        "withheld": True,
        "data": {"small_base": data.get("small_base")},
        "observations": data.get("observations", {}),
        "upcoming": data.get("upcoming", {}),
        "upcoming_text": (
            f"{_date(data['upcoming']['start'])}–{_date(data['upcoming']['end'])}"
            if data.get("upcoming")
            else ""
        ),
        "actions": data.get("actions", {}),
        "action_groups": _action_groups(data),
    }


def _action_groups(data):
    return [
        {"title": _("Late actions"), "rows": data.get("actions", {}).get("late", [])},
        {
            "title": _("Actions due within 30 days"),
            "rows": data.get("actions", {}).get("due_soon", []),
        },
    ]


def _context(request, report, **extra):
    membership = request.membership
    sections = {s.key: s for s in report.sections.select_related("updated_by")}
    comments = defaultdict(list)
    for comment in report.comments.select_related("author"):
        comments[comment.section].append(comment)
    editable = membership.is_manager and report.is_editable
    view = present(report, membership)
    section_info = {
        key: {
            "key": key,
            "title": title,
            "text": sections[key].text if key in sections else "",
            "comments": comments.get(key, []),
        }
        for key, title in SECTIONS
    }
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
    return {
        "report": report,
        "meeting_url": _meeting_url(report),
        "view": view,
        "section_info": section_info,
        "can_edit": editable,
        "can_comment": report_workflow.can_comment(report, membership),
        "can_approve": report.status == SituationReport.Status.IN_REVIEW
        and report_workflow.can_approve(report, membership),
        "is_manager": membership.is_manager,
        "superseded_by": SituationReport.objects.filter(supersedes=report).first(),
        **extra,
    }


def _meeting_url(report):
    """The meeting's page, when the meetings app has one (its pages come with that branch)."""
    if report.meeting_id is None:
        return ""
    try:
        return report.meeting.get_absolute_url()
    except NoReverseMatch:
        return ""


# --- Views ---------------------------------------------------------------------------------------


@municipal_view(roles=EVERYONE)
def report_list(request):
    reports = (
        _reports(request)
        .select_related("meeting", "body", "approved_by", "municipality")
        .order_by("-period_end", "-version", "-pk")
    )
    status = request.GET.get("status", "")
    if status in SituationReport.Status.values:
        reports = reports.filter(status=status)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "situation_reports/report_list.html",
        {
            "page": page,
            "reports": page.object_list,
            "status": status,
            "statuses": SituationReport.Status.choices,
            "compile_form": CompileForm() if request.membership.is_manager else None,
            "compare_form": CompareForm(queryset=_reports(request).ready()),
        },
    )


@municipal_view(roles=MANAGERS)
@require_POST
def report_create(request):
    form = CompileForm(request.POST)
    if not form.is_valid():
        reports = _reports(request).select_related("meeting", "body", "approved_by", "municipality")
        page = Paginator(reports, PAGE_SIZE).get_page(1)
        return render(
            request,
            "situation_reports/report_list.html",
            {
                "page": page,
                "reports": page.object_list,
                "statuses": SituationReport.Status.choices,
                "compile_form": form,
                "compare_form": CompareForm(queryset=_reports(request).ready()),
            },
            status=400,
        )
    period = form.cleaned_data["period"]
    municipality = request.municipality
    body = report_compile.situation_group(municipality)
    if period == "custom":
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif period == "since_meeting":
        start, end = report_compile.default_period(municipality, body=body)
    else:
        start, end = report_compile.default_period(municipality, days=int(period))
    report = report_compile.create_report(municipality, start, end, user=request.user, body=body)
    report_workflow.enqueue_compile(report)
    messages.info(request, _("The report is being compiled. This page updates by itself."))
    return redirect(report.get_absolute_url())


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
        report_workflow.save_section(
            report, form.cleaned_data["key"], form.cleaned_data["text"], request.user
        )
    except (ReportLocked, report_workflow.WorkflowError) as exc:
        return _refuse(request, report, " ".join(getattr(exc, "messages", [str(exc)])))
    messages.success(request, _("The text is saved."))
    return redirect(report.get_absolute_url() + f"#section-{form.cleaned_data['key']}")


@municipal_view(roles=EVERYONE)
@require_POST
def report_comment(request, pk):
    report = _get(request, pk)
    if not report.is_approved and not report_workflow.can_comment(report, request.membership):
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
    report_workflow.add_comment(report, section, request.user, form.cleaned_data["text"])
    messages.success(request, _("Your comment is saved."))
    return redirect(report.get_absolute_url() + f"#section-{section}")


STEPS = {
    "submit": (report_workflow.submit_for_review, gettext_lazy("The report is sent for review.")),
    "return": (report_workflow.return_to_draft, gettext_lazy("The report is back in draft.")),
    "approve": (report_workflow.approve, gettext_lazy("The report is approved.")),
    "recompile": (report_workflow.recompile, gettext_lazy("The report is being compiled again.")),
}


@municipal_view(roles=EVERYONE)
@require_POST
def report_step(request, pk, step):
    report = _get(request, pk)
    if step not in STEPS:
        raise PermissionDenied
    allowed = (
        report_workflow.can_approve(report, request.membership)
        if step == "approve"
        else request.membership.is_manager
    )
    if not allowed:
        raise PermissionDenied
    func, done = STEPS[step]
    try:
        func(report, request.user)
    except (ReportLocked, report_workflow.WorkflowError) as exc:
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
        copy = report_workflow.new_version(report, request.user, form.cleaned_data["reason"])
    except report_workflow.WorkflowError as exc:
        return _refuse(request, report, str(exc))
    messages.success(request, _("A new version is made. The approved one stays unchanged."))
    return redirect(copy.get_absolute_url())


@municipal_view(roles=EVERYONE)
def report_pdf(request, pk):
    from weasyprint import HTML

    report = _get(request, pk)
    if report.is_pending:
        return redirect(report.get_absolute_url())
    context = _context(request, report, pdf=True, printed_at=timezone.localtime())
    html = render_to_string("situation_reports/report_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"lagesbild-{report.municipality.slug}-{report.period_end:%Y-%m-%d}"
    if report.version > 1:
        filename += f"-v{report.version}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@municipal_view(roles=EVERYONE)
def report_compare(request):
    queryset = _reports(request).ready().select_related("meeting")
    form = CompareForm(request.GET or None, queryset=queryset)
    rows, totals, a, b, withheld, chart = [], None, None, None, False, None
    if form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        # Each report's figures as this reader may see them (the count rule).
        shown = [report_compile.figures_for(r.data, request.membership) for r in (a, b)]
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
                "change": change_text(report_compile.change(values[0], values[1])),
            }
            for label, values in sorted(by_label.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ]
        ta, tb = shown[0]["totals"]["current"], shown[1]["totals"]["current"]
        totals = {"a": ta, "b": tb, "change": change_text(report_compile.change(ta, tb))}
        chart = report_charts.bar_chart(
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


def weekly_trend(membership, weeks=TREND_WEEKS, today=None):
    """Weekly counts per category over the last ``weeks`` weeks, of the incidents this member
    may list (the count rule): one grouped query."""
    today = today or timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    first = this_monday - datetime.timedelta(weeks=weeks - 1)
    mondays = [first + datetime.timedelta(weeks=i) for i in range(weeks)]
    rows = (
        Incident.objects.counted(membership)
        .filter(occurred_on__gte=first)
        .annotate(week=TruncWeek("occurred_on"))
        .values("week", "category__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = defaultdict(lambda: [0] * weeks)
    index = {monday: i for i, monday in enumerate(mondays)}
    for row in rows:
        week = row["week"]
        week = week.date() if isinstance(week, datetime.datetime) else week
        if week in index:
            counts[row["category__name"]][index[week]] += row["n"]
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    series = ranked[:TREND_SERIES]
    if len(ranked) > TREND_SERIES:
        rest = [sum(values) for values in zip(*(v for _k, v in ranked[TREND_SERIES:]), strict=True)]
        series.append((_("Other categories"), rest))
    return mondays, series


@municipal_view(roles=EVERYONE)
def report_trend(request):
    mondays, series = weekly_trend(request.membership)
    week_labels = [f"v{m.isocalendar()[1]}" for m in mondays]
    chart = report_charts.line_chart(
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


report_urlpatterns = [
    path("reports/", report_list, name="report-list"),
    path("reports/new/", report_create, name="report-create"),
    path("reports/compare/", report_compare, name="report-compare"),
    path("reports/trend/", report_trend, name="report-trend"),
    path("reports/<int:pk>/", report_detail, name="report-detail"),
    path("reports/<int:pk>/status/", report_status, name="report-status"),
    path("reports/<int:pk>/section/", report_section, name="report-section"),
    path("reports/<int:pk>/comment/", report_comment, name="report-comment"),
    path("reports/<int:pk>/version/", report_new_version, name="report-new-version"),
    path("reports/<int:pk>/pdf/", report_pdf, name="report-pdf"),
    path("reports/<int:pk>/<slug:step>/", report_step, name="report-step"),
]
