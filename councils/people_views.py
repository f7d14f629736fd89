"""Municipal administration pages: the people of a municipality and the organisations that
serve it, managed by the municipality's own admins and coordinators (the Django admin is for
the installation's operators only).

Rules live in ``councils.people`` (services) and ``councils.people_forms`` (who may hand out
which role); these views only wire them to the pages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from trygghet.access import MANAGERS, municipal_view

from . import audit, people
from .models import MunicipalityMembership, Organisation
from .people_forms import (
    OrganisationForm,
    PersonCreateForm,
    PersonEditForm,
    PersonFilterForm,
    may_change,
)
from .views import _form_page, _url


def _add_form_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- People ---------------------------------------------------------------------------------


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
        row.may_change = may_change(request.membership, row)
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
            _add_form_errors(form, error)
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
            return redirect(_url("people-list", request))
    return _form_page(
        request,
        form,
        title=_("Add a person"),
        back_url=_url("people-list", request),
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
    if not may_change(request.membership, target):
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
            _add_form_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(_url("people-list", request))
    return _form_page(
        request,
        form,
        title=_("Change %(person)s") % {"person": target.user},
        back_url=_url("people-list", request),
        intro=_("E-mail: %(email)s") % {"email": target.user.email or "–"},
    )


# --- Organisations --------------------------------------------------------------------------


@municipal_view(roles=MANAGERS)
def organisation_list(request):
    organisations = (
        Organisation.objects.filter(municipalities=request.municipality)
        .annotate(municipality_count=Count("municipalities", distinct=True))
        .order_by("name")
    )
    counts = dict(
        MunicipalityMembership.objects.filter(municipality=request.municipality, is_active=True)
        .values_list("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    organisations = list(organisations)
    for organisation in organisations:
        organisation.people_count = counts.get(organisation.pk, 0)
    return render(request, "councils/organisation_list.html", {"organisations": organisations})


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(request.POST or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation, created = people.add_organisation(
                request.municipality,
                name=data["name"],
                short_name=data["short_name"],
                kind=data["kind"],
                acting=request.membership,
                request=request,
            )
        except ValidationError as error:
            _add_form_errors(form, error)
        else:
            if created:
                messages.success(request, _("“%(name)s” was created.") % {"name": organisation})
            else:
                messages.success(
                    request,
                    _(
                        "“%(name)s” already existed (it serves other municipalities too): it now "
                        "serves %(municipality)s as well, unchanged."
                    )
                    % {"name": organisation, "municipality": request.municipality},
                )
            return redirect(_url("organisation-list", request))
    return _form_page(
        request,
        form,
        title=_("Add an organisation"),
        back_url=_url("organisation-list", request),
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = get_object_or_404(
        Organisation.objects.filter(municipalities=request.municipality), pk=pk
    )
    others = list(organisation.municipalities.exclude(pk=request.municipality.pk))
    if others:
        # A shared organisation (police area, rescue service) belongs to no one municipality:
        # one of them must not rename it for all the others.
        if request.method == "POST":
            raise PermissionDenied
        return render(
            request,
            "councils/organisation_shared.html",
            {"organisation": organisation, "others": others},
        )
    kind_before = organisation.kind
    form = OrganisationForm(
        request.POST or None, instance=organisation, membership=request.membership, attach=False
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record_organisation(organisation, kind_before, request=request)
        messages.success(request, _("The changes were saved."))
        return redirect(_url("organisation-list", request))
    return _form_page(
        request,
        form,
        title=_("Change “%(name)s”") % {"name": organisation.name},
        back_url=_url("organisation-list", request),
    )


people_urlpatterns = [
    path("people/", people_list, name="people-list"),
    path("people/new/", person_create, name="person-create"),
    path("people/<int:pk>/edit/", person_edit, name="person-edit"),
    path("organisations/", organisation_list, name="organisation-list"),
    path("organisations/new/", organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/edit/", organisation_edit, name="organisation-edit"),
]
