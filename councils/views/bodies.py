"""The organisation chart and the bodies: a body's page, and its seats kept by the managers.

Every lookup starts from ``Model.objects.restrict(request.membership)``: a row of another
municipality (or a body the person does not sit in) is not found, so it answers 404.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from councils import audit, permissions
from councils.forms.bodies import BodyForm, MembershipForm
from councils.models import Action, Agreement, Body, Membership, Organisation
from meetings.selectors import body_meetings_context
from trygghet import limits
from trygghet.access import EVERYONE, MANAGERS, municipal_view

from .common import form_page, page_url

# --- The organisation chart -----------------------------------------------------------------


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
        body.chair = next((s for s in body.current_seats if s.role == Membership.Role.CHAIR), None)
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
            "can_manage": permissions.can_manage(membership),
        },
    )


# --- Bodies and their seats -----------------------------------------------------------------


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
            "can_manage": permissions.can_manage(membership),
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
    return form_page(
        request,
        form,
        title=_("New body"),
        back_url=page_url("chart", request),
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
    return form_page(
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
    return form_page(
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
    return form_page(
        request,
        form,
        title=_("%(person)s in “%(body)s”") % {"person": seat.user, "body": seat.body},
        back_url=seat.body.get_absolute_url(),
        intro=_("To record that someone has left, give the last date: the history is kept."),
    )
