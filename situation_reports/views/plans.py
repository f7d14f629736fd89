"""Pages of the action plan (åtgärdsplan, lag 2023:196): the plans, one plan with its measures
by problem, its decision, revision and publication, a measure with its indicators and updates,
the follow-up page, and the annual follow-up report (a report of kind ``follow_up``, whose page,
review, approval and PDF are the report pages').

Plans are read from ``ActionPlan.objects.restrict(request.membership)``: drafts are the
managers', another municipality's plan is 404. A decided plan refuses every change
(``PlanLocked``); the pages offer none, and a POST that tries anyway gets the message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet.access import municipal_view
from trygghet.tenancy import EVERYONE, MANAGERS

from .. import permissions, tasks
from ..forms.plans import (
    FollowUpReportForm,
    MeasureForm,
    MeasureIndicatorForm,
    MeasureUpdateForm,
    PlanDecisionForm,
    PlanForm,
    RevisionForm,
)
from ..models import ActionPlan, Measure, MeasureIndicator, PlanLocked, SituationReport
from ..services import plans


def _plans(request, action="view"):
    return ActionPlan.objects.restrict(request.membership, action)


def _plan(request, pk, action="view"):
    return get_object_or_404(
        _plans(request, action).select_related(
            "based_on", "body", "revises", "municipality", "decision_recorded_by"
        ),
        pk=pk,
    )


def _refused(request, exc):
    messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))


@municipal_view(roles=EVERYONE)
def plan_list(request):
    plans_ = _plans(request).select_related("based_on", "body").order_by("-first_year", "-version")
    return render(
        request,
        "situation_reports/plan_list.html",
        {
            "plans": plans_,
            "can_manage": permissions.can_manage_plans(request.membership),
            "has_reports": plans.based_on_choices(request.municipality).exists(),
        },
    )


def _plan_form_page(request, form, plan=None, status=200):
    return render(
        request, "situation_reports/plan_form.html", {"form": form, "plan": plan}, status=status
    )


@municipal_view(roles=MANAGERS)
def plan_create(request):
    form = PlanForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST":
        if not form.is_valid():
            return _plan_form_page(request, form, status=400)
        plan = plans.save_draft(form.save(commit=False), request.user)
        messages.success(request, _("The draft plan is saved. Add its measures."))
        return redirect(plan.get_absolute_url())
    return _plan_form_page(request, form)


@municipal_view(roles=MANAGERS)
def plan_edit(request, pk):
    plan = _plan(request, pk, "change")
    if not plan.is_draft:
        _refused(request, PlanLocked())
        return redirect(plan.get_absolute_url())
    form = PlanForm(request.POST or None, instance=plan, municipality=request.municipality)
    if request.method == "POST":
        if not form.is_valid():
            return _plan_form_page(request, form, plan, status=400)
        try:
            plans.save_draft(form.save(commit=False), request.user)
        except (PlanLocked, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The plan is saved."))
        return redirect(plan.get_absolute_url())
    return _plan_form_page(request, form, plan)


def _detail_context(request, plan, **extra):
    membership = request.membership
    measures = plans.measures_of(plan)
    can_manage = permissions.can_manage_plans(membership)
    unlinked = [m for m in measures if not m.problems.all()]
    return {
        "plan": plan,
        "measures": measures,
        "groups": plans.by_problem(plan, measures),
        "unlinked": unlinked,
        "can_manage": can_manage,
        "decisions": plan.decisions.order_by("-date"),
        "revision": ActionPlan.objects.filter(revises=plan).first() if can_manage else None,
        "revised_by": getattr(plan, "revised_by", None) if not plan.is_draft else None,
        "follow_ups": SituationReport.objects.restrict(membership)
        .follow_ups()
        .filter(action_plan=plan)
        .order_by("-period_end", "-version"),
        "decision_form": PlanDecisionForm(plan=plan) if can_manage and plan.is_draft else None,
        "revision_form": RevisionForm() if can_manage and plan.is_decided else None,
        "report_form": FollowUpReportForm(plan=plan) if can_manage and not plan.is_draft else None,
        **extra,
    }


def _plan_page(request, plan, status=200, **forms):
    """The plan's page; ``forms`` replace its empty forms with one refused (status 400)."""
    return render(
        request,
        "situation_reports/plan_detail.html",
        _detail_context(request, plan, **forms),
        status=status,
    )


@municipal_view(roles=EVERYONE)
def plan_detail(request, pk):
    return _plan_page(request, _plan(request, pk))


@municipal_view(roles=MANAGERS)
@require_POST
def plan_decide(request, pk):
    plan = _plan(request, pk, "change")
    form = PlanDecisionForm(request.POST, plan=plan)
    if not form.is_valid():
        return _plan_page(request, plan, status=400, decision_form=form)
    data = form.cleaned_data
    try:
        plans.decide(
            plan,
            request.user,
            made_by=data["made_by"],
            board_name=data["board_name"],
            date=data["date"],
            paragraph=data["paragraph"],
            registry_number=data["registry_number"],
            review_date=data["review_date"],
            text=data["text"],
        )
    except (plans.PlanError, PlanLocked) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("The decision is recorded: the plan is decided and entered in the register.")
        )
    return redirect(plan.get_absolute_url())


@municipal_view(roles=MANAGERS)
@require_POST
def plan_revise(request, pk):
    plan = _plan(request, pk, "change")
    form = RevisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the plan is revised."))
        return redirect(plan.get_absolute_url())
    try:
        copy = plans.revise(plan, request.user, form.cleaned_data["reason"])
    except plans.PlanError as exc:
        _refused(request, exc)
        return redirect(plan.get_absolute_url())
    messages.success(
        request,
        _("A revision is started as a draft. The decided plan applies until it is decided."),
    )
    return redirect(copy.get_absolute_url())


@municipal_view(roles=MANAGERS)
@require_POST
def plan_publish(request, pk):
    plan = _plan(request, pk, "change")
    public = request.POST.get("public") == "1"
    plans.set_public(plan, public)
    if public:
        messages.success(request, _("The plan is shown on the public page once it is decided."))
    else:
        messages.success(request, _("The plan is no longer shown on the public page."))
    return redirect(plan.get_absolute_url())


@municipal_view(roles=EVERYONE)
def plan_follow_up(request, pk):
    plan = _plan(request, pk)
    return render(
        request,
        "situation_reports/plan_follow_up.html",
        {"plan": plan, **plans.follow_up(plan)},
    )


@municipal_view(roles=MANAGERS)
@require_POST
def plan_report_create(request, pk):
    plan = _plan(request, pk, "change")
    form = FollowUpReportForm(request.POST, plan=plan)
    if not form.is_valid():
        return _plan_page(request, plan, status=400, report_form=form)
    try:
        report = plans.create_follow_up_report(
            plan, form.cleaned_data["year"], form.cleaned_data["body"], request.user
        )
    except plans.PlanError as exc:
        _refused(request, exc)
        return redirect(plan.get_absolute_url())
    tasks.compile_situation_report.enqueue(report.municipality_id, report.pk)
    messages.success(request, _("The follow-up report is being compiled."))
    return redirect(report.get_absolute_url())


# --- Measures -------------------------------------------------------------------------------


def _measure(request, pk, action="view"):
    return get_object_or_404(
        Measure.objects.restrict(request.membership, action).select_related(
            "plan__municipality",
            "plan__based_on",
            "responsible_organisation",
            "responsible_body",
            "responsible_person",
            "agreement_action",
            "citizen_promise",
            "continues",
        ),
        pk=pk,
    )


def _measure_form_page(request, plan, form, status=200):
    return render(
        request,
        "situation_reports/measure_form.html",
        {"plan": plan, "form": form, "measure": form.instance if form.instance.pk else None},
        status=status,
    )


def _save_measure(request, plan, form):
    if not form.is_valid():
        return _measure_form_page(request, plan, form, status=400)
    try:
        measure = plans.save_measure(plan, form, request.user)
    except PlanLocked as exc:
        _refused(request, exc)
        return redirect(plan.get_absolute_url())
    messages.success(request, _("The measure is saved."))
    return redirect(measure.get_absolute_url())


@municipal_view(roles=MANAGERS)
def measure_create(request, pk):
    plan = _plan(request, pk, "change")
    if not plan.is_draft:
        _refused(request, PlanLocked())
        return redirect(plan.get_absolute_url())
    return (
        _save_measure(request, plan, MeasureForm(request.POST, plan=plan))
        if request.method == "POST"
        else _measure_form_page(request, plan, MeasureForm(plan=plan))
    )


@municipal_view(roles=MANAGERS)
def measure_edit(request, pk):
    measure = _measure(request, pk, "change")
    plan = measure.plan
    if not plan.is_draft:
        _refused(request, PlanLocked())
        return redirect(measure.get_absolute_url())
    if request.method == "POST":
        return _save_measure(request, plan, MeasureForm(request.POST, instance=measure, plan=plan))
    return _measure_form_page(request, plan, MeasureForm(instance=measure, plan=plan))


@municipal_view(roles=MANAGERS)
@require_POST
def measure_delete(request, pk):
    measure = _measure(request, pk, "change")
    try:
        plans.delete_measure(measure)
    except PlanLocked as exc:
        _refused(request, exc)
        return redirect(measure.get_absolute_url())
    messages.success(request, _("The measure is removed."))
    return redirect(measure.plan.get_absolute_url())


@municipal_view(roles=MANAGERS)
@require_POST
def measure_publish(request, pk):
    measure = _measure(request, pk, "change")
    public = request.POST.get("public") == "1"
    plans.set_public(measure, public)
    messages.success(
        request,
        _("The measure is shown on the public page.")
        if public
        else _("The measure is no longer shown on the public page."),
    )
    return redirect(measure.get_absolute_url())


def _measure_context(request, measure, **extra):
    membership = request.membership
    targets = plans.follow_up_targets(measure)
    can_manage = permissions.can_manage_plans(membership)
    can_update = permissions.can_update_measure(membership, measure)
    return {
        "measure": measure,
        "plan": measure.plan,
        "problems": measure.problems.select_related("report__municipality")
        .defer("report__data")
        .order_by("position", "pk"),
        "targets": targets,
        "updates": measure.updates.select_related("author"),
        "decisions": measure.decisions.order_by("-date"),
        "can_manage": can_manage,
        "can_edit": can_manage and measure.plan.is_draft,
        "can_update": can_update,
        "update_form": MeasureUpdateForm(measure=measure) if can_update else None,
        "indicator_form": MeasureIndicatorForm(measure=measure)
        if can_manage and measure.plan.is_draft
        else None,
        **extra,
    }


def _measure_page(request, measure, status=200, **forms):
    """The measure's page; ``forms`` replace its empty forms with one refused (status 400)."""
    return render(
        request,
        "situation_reports/measure_detail.html",
        _measure_context(request, measure, **forms),
        status=status,
    )


@municipal_view(roles=EVERYONE)
def measure_detail(request, pk):
    return _measure_page(request, _measure(request, pk))


@municipal_view(roles=EVERYONE)
@require_POST
def measure_update_create(request, pk):
    measure = _measure(request, pk)
    if not permissions.can_update_measure(request.membership, measure):
        raise PermissionDenied
    form = MeasureUpdateForm(request.POST, measure=measure)
    if not form.is_valid():
        return _measure_page(request, measure, status=400, update_form=form)
    try:
        plans.add_update(measure, form.save(commit=False), request.user)
    except plans.PlanError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The update is recorded."))
    return redirect(measure.get_absolute_url() + "#updates")


@municipal_view(roles=MANAGERS)
@require_POST
def measure_indicator_create(request, pk):
    measure = _measure(request, pk, "change")
    form = MeasureIndicatorForm(request.POST, measure=measure)
    if not form.is_valid():
        return _measure_page(request, measure, status=400, indicator_form=form)
    try:
        plans.save_measure_indicator(measure, form.save(commit=False))
    except PlanLocked as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The indicator is added."))
    return redirect(measure.get_absolute_url() + "#indicators")


@municipal_view(roles=MANAGERS)
@require_POST
def measure_indicator_delete(request, pk, target_pk):
    measure = _measure(request, pk, "change")
    target = get_object_or_404(MeasureIndicator.objects.filter(measure=measure), pk=target_pk)
    try:
        plans.delete_measure_indicator(target)
    except PlanLocked as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The indicator is removed."))
    return redirect(measure.get_absolute_url() + "#indicators")
