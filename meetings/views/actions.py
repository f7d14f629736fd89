"""Action items across meetings: the list (filtered by status, body, owner) and a status set."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet.access import EVERYONE, municipal_view
from trygghet.limits import local_path

from .. import services
from ..forms import ActionStatusForm
from ..models import ActionItem
from ..permissions import PLANNERS, can_set_action_status


@municipal_view(roles=EVERYONE)
def action_list(request):
    qs = (
        ActionItem.objects.restrict(request.membership)
        .select_related(
            "meeting__municipality", "body", "owner", "owner_organisation", "municipality"
        )
        .order_by("status", "due_date", "pk")
    )
    status = request.GET.get("status", ActionItem.Status.OPEN)
    if status in ActionItem.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("body", "").isdigit():
        qs = qs.filter(body_id=request.GET["body"])
    if request.GET.get("mine"):
        qs = qs.filter(owner=request.user)
    return render(
        request,
        "meetings/action_list.html",
        {
            "actions": qs[:300],
            "status": status,
            "statuses": ActionItem.Status.choices,
            "today": timezone.localdate(),
            "can_manage": can_set_action_status(request.membership),
            "status_form": ActionStatusForm(),
        },
    )


@municipal_view(roles=PLANNERS)
@require_POST
def action_status(request, pk):
    action = get_object_or_404(ActionItem.objects.restrict(request.membership), pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(action, form.cleaned_data["status"])
        messages.success(request, _("The action item is updated."))
    else:
        messages.error(request, _("Choose a valid status."))
    next_url = local_path(request.POST.get("next"))
    if next_url:
        return redirect(next_url)
    return redirect("meetings:action-list", municipality=request.municipality.slug)
