"""Retention by decision (gallring, issue 17): the municipality's decision, what it would thin
today (the dry run), and the log of its runs. For the municipality's admins only."""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet.access import municipal_view
from trygghet.tenancy import ADMIN

from ..forms.retention import ARCHIVAL_WARNING, RetentionDecisionForm
from ..models import RetentionDecision, RetentionRun
from ..services import retention as service

RUNS_SHOWN = 50


def _back(request):
    return redirect("situation_reports:retention", municipality=request.municipality.slug)


@municipal_view(roles=[ADMIN])
def retention_page(request):
    municipality, membership = request.municipality, request.membership
    today = timezone.localdate()
    decision = RetentionDecision.objects.current(municipality, today)
    plans = service.plan(decision, today, membership) if decision else []
    runs = (
        RetentionRun.objects.in_municipality(municipality)
        .select_related("rule", "decision")
        .order_by("-started_at", "-pk")[:RUNS_SHOWN]
    )
    return render(
        request,
        "situation_reports/retention.html",
        {
            "decision": decision,
            "rules": decision.rules.all() if decision else [],
            "plans": [(p, p.count_for(membership)) for p in plans],
            "today": today,
            "versions": RetentionDecision.objects.in_municipality(municipality).select_related(
                "created_by"
            ),
            "runs": [(run, run.count_for(membership)) for run in runs],
        },
    )


@municipal_view(roles=[ADMIN])
def retention_edit(request):
    municipality = request.municipality
    latest = RetentionDecision.objects.in_municipality(municipality).order_by("-version").first()
    if request.method == "POST":
        form = RetentionDecisionForm(request.POST)
        if form.is_valid():
            try:
                service.record_decision(
                    municipality, form.cleaned_data, request.user, request=request
                )
            except IntegrityError:  # another admin saved a version at the same moment
                form.add_error(None, _("Someone else saved a version just now: try again."))
            else:
                messages.success(request, _("The retention decision is recorded."))
                return _back(request)
    else:
        form = RetentionDecisionForm(initial=RetentionDecisionForm.initial_from(latest))
    return render(
        request,
        "situation_reports/retention_form.html",
        {"form": form, "latest": latest, "archival_warning": ARCHIVAL_WARNING},
        status=400 if form.is_bound else 200,
    )


@municipal_view(roles=[ADMIN])
@require_POST
def retention_dry_run(request):
    decision = RetentionDecision.objects.current(request.municipality)
    if decision is None:
        messages.error(request, _("There is no retention decision: nothing would be thinned."))
        return _back(request)
    service.apply(decision, dry_run=True)
    messages.success(request, _("The dry run is logged below. Nothing was changed."))
    return _back(request)
