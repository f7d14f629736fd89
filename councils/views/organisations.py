"""The organisations that serve a municipality, managed by its own admins and coordinators.

Rules live in ``councils.permissions`` (who may do what) and ``councils.services.people`` (the
workflows); these views only wire them to the pages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from councils import audit
from councils.forms.people import OrganisationForm
from councils.models import MunicipalityMembership, Organisation
from councils.services import people
from trygghet.access import MANAGERS, municipal_view

from .common import add_form_errors, form_page, page_url


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
            add_form_errors(form, error)
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
            return redirect(page_url("organisation-list", request))
    return form_page(
        request,
        form,
        title=_("Add an organisation"),
        back_url=page_url("organisation-list", request),
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
    kind_before, password_before = organisation.kind, organisation.password_login
    form = OrganisationForm(
        request.POST or None, instance=organisation, membership=request.membership, attach=False
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record_organisation(organisation, kind_before, request=request)
            audit.record_password_login(organisation, password_before, request=request)
        messages.success(request, _("The changes were saved."))
        return redirect(page_url("organisation-list", request))
    return form_page(
        request,
        form,
        title=_("Change “%(name)s”") % {"name": organisation.name},
        back_url=page_url("organisation-list", request),
    )
