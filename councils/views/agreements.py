"""The agreement with the police: its list, page, follow-up, PDF and renewal, and its parts kept
by the managers (focus areas, goals and their values, citizen promises and their follow-ups).

Every lookup starts from ``Agreement.objects.restrict(request.membership)``: an agreement of
another municipality (or a draft, for those who do not manage) is not found, so it answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from councils import permissions
from councils.forms.agreements import (
    AgreementForm,
    CitizenPromiseForm,
    CitizenPromiseUpdateForm,
    FocusAreaForm,
    GoalForm,
    GoalMeasurementForm,
    RenewForm,
)
from councils.models import (
    Action,
    Agreement,
    CitizenPromise,
    CitizenPromiseUpdate,
    FocusArea,
    Goal,
)
from councils.selectors import plan_measures_of
from councils.services import agreements
from trygghet.access import EVERYONE, MANAGERS, municipal_view
from trygghet.pdf import pdf_response

from .common import form_page, page_url


@municipal_view(roles=EVERYONE)
def agreement_list(request):
    agreements = (
        Agreement.objects.restrict(request.membership)
        .select_related("police_area", "steering_body", "previous", "municipality")
        .annotate(
            focus_area_count=Count("focus_areas", distinct=True),
            action_count=Count("focus_areas__actions", distinct=True),
        )
        .order_by("-start_date", "-pk")
    )
    my_actions = (
        Action.objects.restrict(request.membership)
        .open()
        .filter(lead=request.user)
        .with_follow_up()
        .select_related("focus_area__agreement__municipality")
        .order_by("due_date", "pk")
    )
    return render(
        request,
        "councils/agreement_list.html",
        {
            "agreements": agreements,
            "my_actions": my_actions,
            "can_manage": permissions.can_manage(request.membership),
        },
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    form = AgreementForm(request.POST or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        agreement = form.save()
        messages.success(request, _("The agreement was created."))
        return redirect(agreement)
    return form_page(
        request, form, title=_("New agreement"), back_url=page_url("agreement-list", request)
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = get_object_or_404(Agreement.objects.restrict(request.membership), pk=pk)
    form = AgreementForm(
        request.POST or None, instance=agreement, municipality=request.municipality
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect(agreement)
    return form_page(
        request,
        form,
        title=_("Change “%(title)s”") % {"title": agreement.title},
        back_url=agreement.get_absolute_url(),
    )


def _agreement_with_parts(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.restrict(request.membership).select_related(
            "police_area", "steering_body", "previous", "municipality"
        ),
        pk=pk,
    )
    areas = list(
        agreement.focus_areas.order_by("position", "pk").prefetch_related(
            Prefetch("goals", queryset=Goal.objects.with_latest_measurement().order_by("pk")),
            Prefetch(
                "actions",
                queryset=Action.objects.with_follow_up()
                .select_related("lead", "responsible_organisation", "working_group")
                .order_by("due_date", "pk"),
            ),
        )
    )
    promises = list(
        agreement.citizen_promises.prefetch_related(
            Prefetch("updates", queryset=CitizenPromiseUpdate.objects.select_related("author"))
        )
    )
    return agreement, areas, promises


@municipal_view(roles=EVERYONE)
def agreement_detail(request, pk):
    agreement, areas, promises = _agreement_with_parts(request, pk)
    renewal = Agreement.objects.restrict(request.membership).filter(previous=agreement).first()
    for promise in promises:
        promise.measures_shown = plan_measures_of(promise, request.membership)
    return render(
        request,
        "councils/agreement_detail.html",
        {
            "agreement": agreement,
            "areas": areas,
            "promises": promises,
            "renewal": renewal,
            "can_manage": permissions.can_manage(request.membership),
            "user_id": request.user.pk,
        },
    )


@municipal_view(roles=EVERYONE)
def agreement_follow_up(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.restrict(request.membership).select_related("steering_body"), pk=pk
    )
    data = agreements.follow_up(agreement)
    return render(
        request,
        "councils/agreement_follow_up.html",
        {"agreement": agreement, **data, "can_manage": permissions.can_manage(request.membership)},
    )


@municipal_view(roles=EVERYONE)
def agreement_pdf(request, pk):
    agreement, areas, promises = _agreement_with_parts(request, pk)
    data = agreements.follow_up(agreement)
    name = pgettext("file name", "agreement")
    return pdf_response(
        request,
        "councils/agreement_pdf.html",
        {
            "agreement": agreement,
            "areas": areas,
            "promises": promises,
            "totals": data["totals"],
            "today": data["today"],
        },
        filename=f"{name}-{agreement.pk}-{timezone.localdate():%Y-%m-%d}",
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def agreement_renew(request, pk):
    agreement = get_object_or_404(Agreement.objects.restrict(request.membership), pk=pk)
    if agreement.is_renewed:
        messages.info(request, _("This agreement has already been renewed."))
        return redirect(agreement.renewal)
    start, end = agreements.next_period(agreement)
    form = RenewForm(
        request.POST or None,
        initial={"title": agreement.title, "start_date": start, "end_date": end},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = agreements.renew_agreement(agreement, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "A draft for the next period was created with the focus areas, goals and "
                    "unfinished actions. The previous agreement is unchanged."
                ),
            )
            return redirect(new)
    return form_page(
        request,
        form,
        title=_("Renew “%(title)s”") % {"title": agreement.title},
        back_url=agreement.get_absolute_url(),
        intro=_(
            "The new agreement starts as a draft with copies of the focus areas, goals, citizen "
            "promises not yet kept and the actions that are planned or ongoing. Finished and "
            "cancelled actions stay with this agreement, which is kept unchanged."
        ),
        submit=_("Renew"),
    )


# --- Parts of an agreement ------------------------------------------------------------------


def _manageable_agreement(request, pk):
    return get_object_or_404(Agreement.objects.restrict(request.membership, "change"), pk=pk)


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def focus_area_create(request, pk):
    agreement = _manageable_agreement(request, pk)
    form = FocusAreaForm(
        request.POST or None,
        agreement=agreement,
        initial={"position": agreement.focus_areas.count() + 1},
    )
    if request.method == "POST" and form.is_valid():
        area = form.save()
        messages.success(request, _("The focus area was added."))
        return redirect(area)
    return form_page(
        request,
        form,
        title=_("New focus area in “%(title)s”") % {"title": agreement.title},
        back_url=agreement.get_absolute_url(),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def focus_area_edit(request, pk):
    area = get_object_or_404(
        FocusArea.objects.restrict(request.membership, "change").select_related("agreement"), pk=pk
    )
    form = FocusAreaForm(request.POST or None, instance=area, agreement=area.agreement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect(area)
    return form_page(
        request,
        form,
        title=_("Change “%(title)s”") % {"title": area.title},
        back_url=area.get_absolute_url(),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def goal_create(request, pk):
    area = get_object_or_404(
        FocusArea.objects.restrict(request.membership, "change").select_related("agreement"), pk=pk
    )
    form = GoalForm(request.POST or None, focus_area=area)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The goal was added."))
        return redirect(area)
    return form_page(
        request,
        form,
        title=_("New goal under “%(title)s”") % {"title": area.title},
        back_url=area.get_absolute_url(),
        intro=_("A goal is measurable: what is measured, from which value, to which, by when."),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def goal_edit(request, pk):
    goal = get_object_or_404(
        Goal.objects.restrict(request.membership, "change").select_related("focus_area__agreement"),
        pk=pk,
    )
    form = GoalForm(request.POST or None, instance=goal, focus_area=goal.focus_area)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect(goal.focus_area)
    return form_page(
        request,
        form,
        title=_("Change goal “%(title)s”") % {"title": goal.title},
        back_url=goal.focus_area.get_absolute_url(),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def measurement_create(request, pk):
    goal = get_object_or_404(
        Goal.objects.restrict(request.membership, "change").select_related("focus_area__agreement"),
        pk=pk,
    )
    form = GoalMeasurementForm(
        request.POST or None, goal=goal, initial={"measured_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The value was recorded."))
        return redirect(goal.focus_area)
    return form_page(
        request,
        form,
        title=_("New value for “%(title)s”") % {"title": goal.title},
        back_url=goal.focus_area.get_absolute_url(),
        intro=_("Indicator: %(indicator)s. Target: %(target)s %(unit)s by %(date)s.")
        % {
            "indicator": goal.indicator,
            "target": goal.target,
            "unit": goal.unit,
            "date": goal.target_date,
        },
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def promise_create(request, pk):
    agreement = _manageable_agreement(request, pk)
    form = CitizenPromiseForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The citizen promise was added."))
        return redirect(agreement.get_absolute_url() + "#citizen-promises")
    return form_page(
        request,
        form,
        title=_("New citizen promise"),
        back_url=agreement.get_absolute_url(),
        intro=_("A citizen promise is the public part of the agreement: write it for residents."),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def promise_follow_up(request, pk):
    promise = get_object_or_404(
        CitizenPromise.objects.filter(
            agreement__in=Agreement.objects.restrict(request.membership, "change")
        ).select_related("agreement"),
        pk=pk,
    )
    form = CitizenPromiseUpdateForm(
        request.POST or None, initial={"date": timezone.localdate(), "status": promise.status}
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            update = form.save(commit=False)
            update.promise = promise
            update.author = request.user
            update.save()
            promise.status = update.status
            promise.save(update_fields=["status"])
        messages.success(request, _("The follow-up was recorded."))
        return redirect(promise.agreement.get_absolute_url() + "#citizen-promises")
    return form_page(
        request,
        form,
        title=_("Follow up “%(title)s”") % {"title": promise.title},
        back_url=promise.agreement.get_absolute_url(),
    )
