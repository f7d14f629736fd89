"""The decision register: decisions of the bodies of the crime-prevention work and of the
municipality's boards (body or board, meeting, §, date, text), linked to the measures, the
agreement's actions and the action plans they concern. A decision in approved minutes is
entered from the minutes page (``?meeting=…&item=…`` fills the form from that item)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.models import Action
from meetings.models import Meeting
from trygghet.access import municipal_view
from trygghet.limits import parse_id
from trygghet.tenancy import EVERYONE, MANAGERS

from .. import permissions
from ..forms.plans import DecisionForm
from ..models import ActionPlan, Decision, DecisionMaker, Measure

PAGE_SIZE = 50


def _decisions(request, action="view"):
    return Decision.objects.restrict(request.membership, action)


@municipal_view(roles=EVERYONE)
def decision_list(request):
    decisions = _decisions(request).select_related("body", "meeting")
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "situation_reports/decision_list.html",
        {"page": page, "can_manage": permissions.can_manage_plans(request.membership)},
    )


def _from_minutes(request):
    """The initial values of a decision taken from one item (by its § number) of a meeting's
    approved minutes, as the latest approved version says, or {} (another municipality's
    meeting, minutes not approved, an item without a decision, or nonsense find nothing)."""
    meeting_id, number = parse_id(request.GET.get("meeting")), parse_id(request.GET.get("item"))
    if meeting_id is None or number is None:
        return {}
    meeting = (
        Meeting.objects.restrict(request.membership)
        .filter(pk=meeting_id, status=Meeting.Status.MINUTES_APPROVED)
        .first()
    )
    version = meeting.minutes_versions.order_by("-number").first() if meeting else None
    if version is None:
        return {}
    for item in version.snapshot.get("items", []):
        if item.get("number") == number and item.get("decisions"):
            return {
                "made_by": DecisionMaker.BODY,
                "body": meeting.body_id,
                "meeting": meeting.pk,
                "paragraph": f"§ {number}",
                "date": timezone.localdate(meeting.start),
                "title": str(item.get("title", ""))[:250],
                "text": item["decisions"],
            }
    return {}


def _form_page(request, form, decision=None, status=200):
    return render(
        request,
        "situation_reports/decision_form.html",
        {"form": form, "decision": decision},
        status=status,
    )


def _save(request, form):
    if not form.is_valid():
        return _form_page(request, form, form.instance if form.instance.pk else None, status=400)
    decision = form.save(commit=False)
    if decision.pk is None:
        decision.created_by = request.user
    decision.save()
    form.save_m2m()
    messages.success(request, _("The decision is in the register."))
    return redirect(decision.get_absolute_url())


@municipal_view(roles=MANAGERS)
def decision_create(request):
    kwargs = {"municipality": request.municipality, "membership": request.membership}
    if request.method == "POST":
        return _save(request, DecisionForm(request.POST, **kwargs))
    return _form_page(request, DecisionForm(initial=_from_minutes(request), **kwargs))


def _decision(request, pk, action="view"):
    return get_object_or_404(
        _decisions(request, action).select_related("body", "meeting", "created_by"), pk=pk
    )


@municipal_view(roles=EVERYONE)
def decision_detail(request, pk):
    decision = _decision(request, pk)
    return render(
        request,
        "situation_reports/decision_detail.html",
        {
            "decision": decision,
            # Drafts only for those who may read them.
            "plans": ActionPlan.objects.restrict(request.membership).filter(decisions=decision),
            "measures": Measure.objects.restrict(request.membership)
            .filter(decisions=decision)
            .select_related("plan"),
            "actions": Action.objects.restrict(request.membership).filter(decisions=decision),
            "can_manage": permissions.can_manage_plans(request.membership),
        },
    )


@municipal_view(roles=MANAGERS)
def decision_edit(request, pk):
    decision = _decision(request, pk, "change")
    kwargs = {"municipality": request.municipality, "membership": request.membership}
    if request.method == "POST":
        return _save(request, DecisionForm(request.POST, instance=decision, **kwargs))
    return _form_page(request, DecisionForm(instance=decision, **kwargs), decision)
