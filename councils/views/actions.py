"""The actions of an agreement: a page each, kept by the managers, followed up by their leads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from councils import permissions
from councils.forms.agreements import ActionForm, ActionUpdateForm
from councils.models import Action, Agreement, Body, FocusArea
from councils.selectors import plan_measures_of
from councils.services import agreements
from trygghet import limits
from trygghet.access import EVERYONE, MANAGERS, municipal_view

from .common import form_page


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    area = get_object_or_404(
        FocusArea.objects.restrict(request.membership, "change").select_related("agreement"), pk=pk
    )
    initial = {"start_date": timezone.localdate()}
    group = limits.parse_id(request.GET.get("working_group"))
    if group:
        initial["working_group"] = group
    form = ActionForm(
        request.POST or None, municipality=request.municipality, focus_area=area, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        action = form.save()
        messages.success(request, _("The action was added."))
        return redirect(action)
    return form_page(
        request,
        form,
        title=_("New action under “%(title)s”") % {"title": area.title},
        back_url=area.get_absolute_url(),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = get_object_or_404(
        Action.objects.restrict(request.membership, "change").select_related(
            "focus_area__agreement"
        ),
        pk=pk,
    )
    form = ActionForm(
        request.POST or None,
        instance=action,
        municipality=request.municipality,
        focus_area=action.focus_area,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect(action)
    return form_page(
        request,
        form,
        title=_("Change “%(title)s”") % {"title": action.title},
        back_url=action.get_absolute_url(),
        intro=_("Follow-ups are posted as updates, so that the history is kept."),
    )


@municipal_view(roles=EVERYONE)
def action_detail(request, pk):
    action = get_object_or_404(
        Action.objects.restrict(request.membership)
        .with_follow_up()
        .select_related(
            "focus_area__agreement__municipality",
            "lead",
            "responsible_organisation",
            "working_group",
            "copied_from__focus_area__agreement",
        ),
        pk=pk,
    )
    updates = action.updates.select_related("author").order_by("-date", "-pk")
    total_hours = sum((u.hours_spent or 0) for u in updates)
    working_group_readable = (
        action.working_group_id
        and Body.objects.restrict(request.membership).filter(pk=action.working_group_id).exists()
    )
    return render(
        request,
        "councils/action_detail.html",
        {
            "action": action,
            "agreement": action.focus_area.agreement,
            "updates": updates,
            "total_hours": total_hours,
            "may_update": permissions.can_post_action_update(request.membership, action)
            and action.focus_area.agreement.status != Agreement.Status.ENDED,
            "can_manage": permissions.can_manage(request.membership),
            "working_group_readable": working_group_readable,
            "plan_measures": plan_measures_of(action, request.membership),
        },
    )


@municipal_view(roles=EVERYONE)
@require_http_methods(["GET", "POST"])
def action_update_create(request, pk):
    """The action's lead (or a manager) posts a dated follow-up."""
    action = get_object_or_404(
        Action.objects.restrict(request.membership).select_related("focus_area__agreement"), pk=pk
    )
    if not permissions.can_post_action_update(request.membership, action):
        raise PermissionDenied
    if action.focus_area.agreement.status == Agreement.Status.ENDED:
        messages.error(
            request, _("The agreement has ended: its actions are no longer followed up.")
        )
        return redirect(action)
    form = ActionUpdateForm(
        request.POST or None, action=action, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        agreements.post_action_update(
            action,
            author=request.user,
            note=form.cleaned_data["note"],
            status=form.cleaned_data["status"],
            hours_spent=form.cleaned_data["hours_spent"],
            date=form.cleaned_data["date"],
        )
        messages.success(request, _("The follow-up was recorded."))
        return redirect(action)
    return form_page(
        request,
        form,
        title=_("Follow up “%(title)s”") % {"title": action.title},
        back_url=action.get_absolute_url(),
        intro=_(
            "Write what has been done since the last follow-up, change the status if it has "
            "changed and give the hours spent: the strategic council follows up the cost."
        ),
        submit=_("Post follow-up"),
    )
