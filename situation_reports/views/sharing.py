"""Sharing beyond the municipality (issue 15): what it shares with whom (its admins decide),
the regional page of those who read several municipalities side by side, and lägesbilder
shared one by one with a neighbouring municipality.

Who reads what is ``services.sharing.reach``; a municipality that shares nothing with the
reader answers 404 everywhere here, exactly as its own pages do.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet.access import municipal_view
from trygghet.tenancy import ADMIN, EVERYONE, MANAGERS, municipality_scope

from ..forms.sharing import RegionalRoleForm, ReportShareForm, SharingForm
from ..models import RegionalRole, ReportShare, Sharing, SituationReport
from ..services import charts
from ..services import sharing as service
from .reports import report_parts

# --- What the municipality shares (its admins) -------------------------------------------------


def _manage_page(request, form=None, role_form=None, status=200):
    municipality = request.municipality
    return render(
        request,
        "situation_reports/sharing_manage.html",
        {
            "sharings": Sharing.objects.in_municipality(municipality).select_related(
                "partner", "organisation", "created_by"
            ),
            "form": form or SharingForm(municipality=municipality),
            "roles": RegionalRole.objects.in_municipality(municipality)
            .filter(ended_at=None)
            .select_related("user", "granted_by"),
            "role_form": role_form or RegionalRoleForm(),
            "shares": ReportShare.objects.in_municipality(municipality)
            .select_related("report", "partner", "shared_by", "withdrawn_by")
            .order_by("withdrawn_at", "-shared_at")[:50],
        },
        status=status,
    )


def _back(request):
    return redirect("situation_reports:sharing", municipality=request.municipality.slug)


@municipal_view(roles=[ADMIN])
def sharing_manage(request):
    if request.method != "POST":
        return _manage_page(request)
    form = SharingForm(request.POST, municipality=request.municipality)
    if not form.is_valid():
        return _manage_page(request, form=form, status=400)
    form.instance.created_by = request.user
    try:
        service.save_sharing(form.instance, request=request)
    except service.SharingRefused as error:
        form.add_error(None, str(error))
        return _manage_page(request, form=form, status=400)
    messages.success(
        request,
        _("The municipality now shares with %(name)s.") % {"name": form.instance.recipient_name},
    )
    return _back(request)


@municipal_view(roles=[ADMIN])
@require_POST
def sharing_change(request, pk):
    sharing = get_object_or_404(Sharing.objects.in_municipality(request.municipality), pk=pk)
    if request.POST.get("end") == "1":
        service.end_sharing(sharing, request=request)
        messages.success(
            request,
            _("Nothing is shared with %(name)s any more.") % {"name": sharing.recipient_name},
        )
        return _back(request)
    before = [name for name in ("figures", "summaries") if getattr(sharing, name)]
    form = SharingForm(request.POST, instance=sharing, municipality=request.municipality)
    if not form.is_valid():  # two check boxes: only a forged request gets here
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(request)
    service.save_sharing(form.instance, before=before, request=request)
    messages.success(
        request, _("What is shared with %(name)s is saved.") % {"name": sharing.recipient_name}
    )
    return _back(request)


@municipal_view(roles=[ADMIN])
@require_POST
def regional_role_grant(request):
    form = RegionalRoleForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, role_form=form, status=400)
    try:
        service.grant_regional_role(
            request.municipality, form.user, form.cleaned_data["title"], request=request
        )
    except (service.SharingRefused, ValidationError) as error:
        form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        return _manage_page(request, role_form=form, status=400)
    messages.success(request, _("%(name)s holds a regional role here now.") % {"name": form.user})
    return _back(request)


@municipal_view(roles=[ADMIN])
@require_POST
def regional_role_end(request, pk):
    role = get_object_or_404(
        RegionalRole.objects.in_municipality(request.municipality).filter(ended_at=None), pk=pk
    )
    service.end_regional_role(role, request=request)
    messages.success(request, _("The regional role of %(name)s has ended.") % {"name": role.user})
    return _back(request)


# --- One approved lägesbild shared with neighbours (the owner's side) --------------------------


def _approved_report(request, pk):
    return get_object_or_404(SituationReport.objects.restrict(request.membership).approved(), pk=pk)


def _report_sharing_page(request, report, form=None, status=200):
    return render(
        request,
        "situation_reports/report_sharing.html",
        {
            "report": report,
            "form": form or ReportShareForm(municipality=request.municipality),
            "shares": report.shares.select_related("partner", "shared_by", "withdrawn_by"),
        },
        status=status,
    )


@municipal_view(roles=MANAGERS)
def report_sharing(request, pk):
    report = _approved_report(request, pk)
    if request.method != "POST":
        return _report_sharing_page(request, report)
    form = ReportShareForm(request.POST, municipality=request.municipality)
    if not form.is_valid():
        return _report_sharing_page(request, report, form=form, status=400)
    partner = form.cleaned_data["partner"]
    try:
        service.share_report(report, partner, request=request)
    except service.SharingRefused as error:
        form.add_error(None, str(error))
        return _report_sharing_page(request, report, form=form, status=400)
    messages.success(
        request, _("The situation report is shared with %(name)s.") % {"name": partner.name}
    )
    return redirect(
        "situation_reports:report-sharing", municipality=request.municipality.slug, pk=report.pk
    )


@municipal_view(roles=MANAGERS)
@require_POST
def report_share_withdraw(request, pk, share_pk):
    report = _approved_report(request, pk)
    share = get_object_or_404(report.shares.all(), pk=share_pk)
    service.withdraw_share(share, request=request)
    messages.success(
        request,
        _("%(name)s can no longer read the situation report.") % {"name": share.partner.name},
    )
    return redirect(
        "situation_reports:report-sharing", municipality=request.municipality.slug, pk=report.pk
    )


# --- What neighbours share with this municipality (the reader's side) --------------------------


def _reader(request):
    if not service.reads_beyond_itself(request.membership):
        raise Http404
    return request.membership


@municipal_view(roles=EVERYONE)
def shared_with_us(request):
    _reader(request)
    return render(
        request,
        "situation_reports/shared_list.html",
        {"shares": service.received_shares(request.municipality)},
    )


@municipal_view(roles=EVERYONE)
def shared_report(request, pk):
    _reader(request)
    share = service.received_share(request.municipality, pk)
    if share is None:
        raise Http404
    report = share.report
    # The owner's rows (sections, problems) are read in the owner's scope, at the public level.
    with municipality_scope(share.municipality_id):
        view, section_info, more = report_parts(report, service.PUBLIC_LEVEL, comments=False)
        return render(
            request,
            "situation_reports/shared_report.html",
            {
                "share": share,
                "report": report,
                "view": view,
                "section_info": section_info,
                # The bodies' read-only rendering: no links into the owner's pages, no forms.
                "pdf": True,
                **more,
            },
        )


# --- The regional page -------------------------------------------------------------------------


def _rate(value):
    return "–" if value is None else formats.number_format(value, 2)


@login_required
def region(request):
    accesses = [a for a in service.reach(request.user).values() if a.anything]
    with_figures = [a.municipality for a in accesses if a.member or a.figures]
    shown = service.figures(with_figures)
    months = [formats.date_format(m, "M Y") for m in shown["months"]]
    series = [
        (row["municipality"].name, row["monthly"]) for row in shown["rows"] if row["population"]
    ]
    chart = (
        charts.line_chart(
            "region-months",
            _("Open incidents per 1,000 inhabitants and month"),
            months,
            series,
            every=2,
        )
        if series
        else None
    )
    received = service.received_shares_of([a.municipality for a in accesses if a.member])
    because = {a.municipality.pk: _shown_because(a) for a in accesses}
    for row in shown["rows"]:
        row["because"] = because.get(row["municipality"].pk, "")
        row["rate_text"] = _rate(row["rate"])
        row["previous_text"] = _rate(row["previous_rate"])
    for category in shown["categories"]:
        category["rates_text"] = [_rate(value) for value in category["rates"]]
    return render(
        request,
        "situation_reports/region.html",
        {
            "accesses": accesses,
            "shown": shown,
            "chart": chart,
            "only_summaries": [a for a in accesses if not (a.member or a.figures)],
            "received": [
                (a.municipality, received[a.municipality.pk])
                for a in accesses
                if a.member and a.municipality.pk in received
            ],
        },
    )


def _shown_because(access):
    """Why a municipality's figures are on the regional page: membership or who it shares with."""
    if access.member:
        return _("you are a member")
    names = []
    for sharing in access.via:
        if not sharing.figures:
            continue
        if sharing.recipient == "municipality":
            name = sharing.partner.name
        elif sharing.recipient == "county":
            name = sharing.recipient_name
        else:
            name = sharing.organisation
        names.append(_("shared with %(name)s") % {"name": name})
    return " ".join(names)


@login_required
def region_municipality(request, slug):
    access = service.access_to(request.user, slug)
    if access is None:
        raise Http404
    municipality = access.municipality
    shown = service.figures([municipality]) if access.member or access.figures else None
    if shown:
        for category in shown["categories"]:
            category["rate_text"] = _rate(category["rates"][0])
        row = shown["rows"][0]
        row["rate_text"], row["previous_text"] = _rate(row["rate"]), _rate(row["previous_rate"])
    summaries = service.summaries_of(municipality) if access.member or access.summaries else []
    return render(
        request,
        "situation_reports/region_municipality.html",
        {"access": access, "place": municipality, "shown": shown, "summaries": summaries},
    )
