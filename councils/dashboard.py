"""The start page's agreement section: the active agreement's late actions, and the actions
this person leads."""

from django.utils import timezone

from .models import Action, Agreement


def agreement_section(request, limit=5):
    membership = request.membership
    today = timezone.localdate()
    agreement = (
        Agreement.objects.restrict(membership)
        .filter(status=Agreement.Status.ACTIVE)
        .select_related("municipality")
        .first()
    )
    actions = Action.objects.restrict(membership).select_related(
        "focus_area__agreement__municipality"
    )
    late = actions.late(today).order_by("due_date", "pk") if agreement else actions.none()
    if agreement:
        late = late.filter(focus_area__agreement=agreement)
    return {
        "template": "councils/_dashboard.html",
        "agreement": agreement,
        "late_count": late.count(),
        "late": list(late[:limit]),
        "mine": list(
            actions.open()
            .filter(lead=membership.user)
            .with_follow_up(today)
            .order_by("due_date")[:limit]
        ),
    }
