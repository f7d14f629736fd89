"""The people of a municipality, managed by its own admins and coordinators (the Django admin is
for the installation's operators only).

Rules live in ``councils.permissions`` (who may do what) and ``councils.services.people`` (the
workflows); these views only wire them to the pages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from councils import permissions
from councils.forms.people import PersonCreateForm, PersonEditForm, PersonFilterForm
from councils.models import MunicipalityMembership
from councils.services import people
from trygghet.access import MANAGERS, municipal_view

from .common import add_form_errors, form_page, page_url


@municipal_view(roles=MANAGERS)
def people_list(request):
    filter_form = PersonFilterForm(request.GET or None, municipality=request.municipality)
    people_qs = (
        MunicipalityMembership.objects.filter(municipality=request.municipality)
        .select_related("user", "organisation")
        .order_by("-is_active", "user__first_name", "user__last_name", "pk")
    )
    rows = list(filter_form.filter(people_qs))
    for row in rows:
        row.may_change = permissions.can_change_person(request.membership, row)
    return render(
        request,
        "councils/people_list.html",
        {"rows": rows, "filter_form": filter_form, "filtered": bool(request.GET)},
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonCreateForm(request.POST or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership, created = people.add_person(
                request.municipality,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                organisation=data["organisation"],
                title=data["title"],
                domain=request.get_host(),
                use_https=request.is_secure(),
                acting=request.membership,
                request=request,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "%(person)s was added. An invitation to choose a password was sent "
                        "to %(email)s."
                    )
                    % {"person": membership.user, "email": membership.user.email},
                )
            else:
                if not membership.user.has_usable_password():
                    messages.info(
                        request,
                        _("An invitation to choose a password was sent to %(email)s.")
                        % {"email": membership.user.email},
                    )
                messages.success(
                    request,
                    _(
                        "%(email)s already had an account (%(person)s): the role in "
                        "%(municipality)s was added to it, no new account was made."
                    )
                    % {
                        "email": membership.user.email,
                        "person": membership.user,
                        "municipality": request.municipality,
                    },
                )
            return redirect(page_url("people-list", request))
    return form_page(
        request,
        form,
        title=_("Add a person"),
        back_url=page_url("people-list", request),
        intro=_(
            "A new person gets an e-mail with a link to choose a password. Only organisations "
            "that serve the municipality can be chosen: add a new one under Organisations."
        ),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    target = get_object_or_404(
        MunicipalityMembership.objects.filter(municipality=request.municipality).select_related(
            "user", "organisation"
        ),
        pk=pk,
    )
    if not permissions.can_change_person(request.membership, target):
        raise PermissionDenied
    form = PersonEditForm(request.POST or None, instance=target, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people.change_membership(
                target,
                acting=request.membership,
                role=data["role"],
                organisation=data["organisation"],
                title=data["title"],
                is_active=data["is_active"],
                request=request,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(page_url("people-list", request))
    return form_page(
        request,
        form,
        title=_("Change %(person)s") % {"person": target.user},
        back_url=page_url("people-list", request),
        intro=_("E-mail: %(email)s") % {"email": target.user.email or "–"},
    )
