"""Pages of the councils app: the organisation chart and bodies, and the agreement with the
police with its focus areas, goals, actions and follow-up.

Every lookup starts from ``Model.objects.restrict(request.membership)``: a row of another
municipality (or a body the person does not sit in) is not found, so it answers 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from meetings.selectors import body_meetings_context
from trygghet import limits
from trygghet.access import EVERYONE, MANAGERS, municipal_view

from . import audit, services
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AgreementForm,
    BodyForm,
    CitizenPromiseForm,
    CitizenPromiseUpdateForm,
    FocusAreaForm,
    GoalForm,
    GoalMeasurementForm,
    MembershipForm,
    RenewForm,
)
from .models import (
    Action,
    Agreement,
    Body,
    CitizenPromise,
    CitizenPromiseUpdate,
    FocusArea,
    Goal,
    Membership,
    Organisation,
)


def _url(name, request, **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": request.municipality.slug, **kwargs})


def _form_page(request, form, *, title, back_url, intro="", submit=None):
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "back_url": back_url,
            "submit_label": submit or _("Save"),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- Organisation chart and bodies ----------------------------------------------------------


def _current_seats():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.current()
        .select_related("user", "organisation")
        .order_by("role", "user__first_name", "user__last_name"),
        to_attr="current_seats",
    )


ROLE_ORDER = {value: i for i, (value, _label) in enumerate(Membership.Role.choices)}


@municipal_view(roles=EVERYONE)
def chart(request):
    """The whole structure, for everyone in the municipality: which bodies there are and who
    appointed whom is how the municipality describes its work in its own public documents, so
    every role sees every body's name, kind, place and the organisations taking part. The
    people in a body, and its page, are for those who may read the body (its members and the
    managers)."""
    membership = request.membership
    bodies = list(
        Body.objects.in_municipality(request.municipality)
        .filter(is_active=True)
        .select_related("parent", "municipality")
        .prefetch_related(_current_seats())
        .order_by("name")
    )
    readable = set(Body.objects.restrict(membership).values_list("pk", flat=True))
    by_parent = {}
    ids = {b.pk for b in bodies}
    for body in bodies:
        body.readable = body.pk in readable
        body.current_seats.sort(key=lambda s: (ROLE_ORDER[s.role], str(s.user)))
        organisations = {}
        for seat in body.current_seats:
            if seat.organisation:
                organisations[seat.organisation.pk] = seat.organisation
        body.organisations = sorted(organisations.values(), key=lambda o: o.name)
        body.chair = next((s for s in body.current_seats if s.role == "chair"), None)
        parent = body.parent_id if body.parent_id in ids else None
        by_parent.setdefault(parent, []).append(body)
    kind_order = {value: i for i, (value, _label) in enumerate(Body.Kind.choices)}

    def build(parent_id, depth=0):
        children = sorted(by_parent.get(parent_id, []), key=lambda b: (kind_order[b.kind], b.name))
        for child in children:
            child.depth = depth
            child.tree_children = build(child.pk, depth + 1)
        return children

    roots = build(None)
    today = timezone.localdate()
    current_here = (
        Q(body_memberships__body__municipality=request.municipality)
        & (
            Q(body_memberships__start_date__isnull=True)
            | Q(body_memberships__start_date__lte=today)
        )
        & (Q(body_memberships__end_date__isnull=True) | Q(body_memberships__end_date__gte=today))
    )
    organisations = (
        Organisation.objects.filter(municipalities=request.municipality)
        .annotate(seat_count=Count("body_memberships", filter=current_here))
        .order_by("kind", "name")
    )
    flat = []

    def walk(nodes):
        for node in nodes:
            flat.append(node)
            walk(node.tree_children)

    walk(roots)
    return render(
        request,
        "councils/chart.html",
        {
            "roots": roots,
            "bodies": flat,
            "organisations": organisations,
            "kinds": {b.kind for b in bodies},
            "can_manage": membership.is_manager,
        },
    )


@municipal_view(roles=EVERYONE)
def body_detail(request, pk):
    membership = request.membership
    body = get_object_or_404(
        Body.objects.restrict(membership).select_related("parent", "municipality"), pk=pk
    )
    seats = list(
        Membership.objects.filter(body=body)
        .select_related("user", "organisation")
        .order_by("end_date", "user__first_name")
    )
    today = timezone.localdate()
    current = sorted(
        (s for s in seats if s.is_current), key=lambda s: (ROLE_ORDER[s.role], str(s.user))
    )
    former = [s for s in seats if s.end_date and s.end_date < today]
    upcoming = [s for s in seats if s.start_date and s.start_date > today]
    readable = Body.objects.restrict(membership)
    # As on the chart, the names of the groups below are shown to everyone who reads this
    # body; their pages only to those who may read them.
    children = (
        Body.objects.in_municipality(request.municipality)
        .filter(parent=body, is_active=True)
        .select_related("municipality")
        .annotate(readable=Exists(readable.filter(pk=OuterRef("pk"))))
        .annotate(
            seat_count=Count(
                "memberships",
                filter=Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today),
            )
        )
        .order_by("name")
    )
    actions = (
        Action.objects.restrict(membership)
        .filter(working_group=body)
        .with_follow_up()
        .select_related("lead", "focus_area__agreement__municipality")
        .order_by("due_date")
    )
    steered = (
        Agreement.objects.restrict(membership)
        .filter(steering_body=body)
        .select_related("municipality")
        .order_by("-start_date")
    )
    return render(
        request,
        "councils/body_detail.html",
        {
            "body": body,
            "current": current,
            "former": former,
            "upcoming": upcoming,
            "children": children,
            "actions": actions,
            "steered": steered,
            "parent_readable": body.parent_id and readable.filter(pk=body.parent_id).exists(),
            "can_manage": membership.is_manager,
            "meetings_panel": body_meetings_context(body, membership),
        },
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def body_create(request):
    initial = {}
    parent = limits.parse_id(request.GET.get("parent"))
    if parent:
        parent_body = Body.objects.restrict(request.membership).filter(pk=parent).first()
        if parent_body:
            initial = {"parent": parent_body, "kind": Body.Kind.WORKING_GROUP}
    form = BodyForm(request.POST or None, municipality=request.municipality, initial=initial)
    if request.method == "POST" and form.is_valid():
        body = form.save()
        messages.success(request, _("“%(name)s” was created.") % {"name": body.name})
        return redirect(body)
    return _form_page(
        request,
        form,
        title=_("New body"),
        back_url=_url("chart", request),
        intro=_("A preparation group appoints working groups: choose it as the parent."),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def body_edit(request, pk):
    body = get_object_or_404(Body.objects.restrict(request.membership), pk=pk)
    form = BodyForm(request.POST or None, instance=body, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect(body)
    return _form_page(
        request,
        form,
        title=_("Change “%(name)s”") % {"name": body.name},
        back_url=body.get_absolute_url(),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def membership_create(request, pk):
    body = get_object_or_404(Body.objects.restrict(request.membership), pk=pk)
    form = MembershipForm(
        request.POST or None,
        municipality=request.municipality,
        body=body,
        initial={"start_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            seat = form.save()
            audit.record_seat(None, seat, request=request)
        messages.success(
            request, _("%(person)s was added to %(body)s.") % {"person": seat.user, "body": body}
        )
        return redirect(body)
    return _form_page(
        request,
        form,
        title=_("Add a member to “%(name)s”") % {"name": body.name},
        back_url=body.get_absolute_url(),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def membership_edit(request, pk):
    seat = get_object_or_404(
        Membership.objects.restrict(request.membership).select_related("body", "user"), pk=pk
    )
    before = audit.seat_state(seat)
    form = MembershipForm(
        request.POST or None, instance=seat, municipality=request.municipality, body=seat.body
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record_seat(before, seat, request=request)
        messages.success(request, _("The changes were saved."))
        return redirect(seat.body)
    return _form_page(
        request,
        form,
        title=_("%(person)s in “%(body)s”") % {"person": seat.user, "body": seat.body},
        back_url=seat.body.get_absolute_url(),
        intro=_("To record that someone has left, give the last date: the history is kept."),
    )


# --- Agreements -----------------------------------------------------------------------------


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
            "can_manage": request.membership.is_manager,
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
    return _form_page(
        request, form, title=_("New agreement"), back_url=_url("agreement-list", request)
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
    return _form_page(
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
    return render(
        request,
        "councils/agreement_detail.html",
        {
            "agreement": agreement,
            "areas": areas,
            "promises": promises,
            "renewal": renewal,
            "can_manage": request.membership.is_manager,
            "user_id": request.user.pk,
        },
    )


@municipal_view(roles=EVERYONE)
def agreement_follow_up(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.restrict(request.membership).select_related("steering_body"), pk=pk
    )
    data = services.follow_up(agreement)
    return render(
        request,
        "councils/agreement_follow_up.html",
        {"agreement": agreement, **data, "can_manage": request.membership.is_manager},
    )


@municipal_view(roles=EVERYONE)
def agreement_pdf(request, pk):
    from weasyprint import HTML

    agreement, areas, promises = _agreement_with_parts(request, pk)
    data = services.follow_up(agreement)
    html = render_to_string(
        "councils/agreement_pdf.html",
        {
            "agreement": agreement,
            "areas": areas,
            "promises": promises,
            "totals": data["totals"],
            "today": data["today"],
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"agreement-{agreement.pk}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def agreement_renew(request, pk):
    agreement = get_object_or_404(Agreement.objects.restrict(request.membership), pk=pk)
    if agreement.is_renewed:
        messages.info(request, _("This agreement has already been renewed."))
        return redirect(agreement.renewal)
    start, end = services.next_period(agreement)
    form = RenewForm(
        request.POST or None,
        initial={"title": agreement.title, "start_date": start, "end_date": end},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.renew_agreement(agreement, **form.cleaned_data)
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
    return _form_page(
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
    return _form_page(
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
    return _form_page(
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
    return _form_page(
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
    return _form_page(
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
    return _form_page(
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
    return _form_page(
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
    return _form_page(
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
            "may_update": action.may_post_update(request.membership)
            and action.focus_area.agreement.status != Agreement.Status.ENDED,
            "can_manage": request.membership.is_manager,
            "working_group_readable": working_group_readable,
        },
    )


@municipal_view(roles=EVERYONE)
@require_http_methods(["GET", "POST"])
def action_update_create(request, pk):
    """The action's lead (or a manager) posts a dated follow-up."""
    action = get_object_or_404(
        Action.objects.restrict(request.membership).select_related("focus_area__agreement"), pk=pk
    )
    if not action.may_post_update(request.membership):
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
        services.post_action_update(
            action,
            author=request.user,
            note=form.cleaned_data["note"],
            status=form.cleaned_data["status"],
            hours_spent=form.cleaned_data["hours_spent"],
            date=form.cleaned_data["date"],
        )
        messages.success(request, _("The follow-up was recorded."))
        return redirect(action)
    return _form_page(
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


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def promise_create(request, pk):
    agreement = _manageable_agreement(request, pk)
    form = CitizenPromiseForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The citizen promise was added."))
        return redirect(agreement.get_absolute_url() + "#citizen-promises")
    return _form_page(
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
    return _form_page(
        request,
        form,
        title=_("Follow up “%(title)s”") % {"title": promise.title},
        back_url=promise.agreement.get_absolute_url(),
    )
