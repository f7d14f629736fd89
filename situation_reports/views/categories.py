"""Incident categories: the national list and the municipality's own."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from trygghet import limits
from trygghet.access import municipal_view
from trygghet.tenancy import EVERYONE

from .. import permissions
from ..forms.incidents import IncidentCategoryForm
from ..models import IncidentCategory
from .listing import url


@municipal_view(roles=EVERYONE)
def category_list(request):
    """The national categories and the municipality's own; managers add and retire their own."""
    municipality = request.municipality
    form = None
    if permissions.can_manage_categories(request.membership):
        form = IncidentCategoryForm(
            request.POST if request.method == "POST" else None, municipality=municipality
        )
        if request.method == "POST" and "toggle" in request.POST:
            pk = limits.parse_id(request.POST["toggle"])
            if pk is None:  # the button posts an id: anything else is a forged request
                return HttpResponseBadRequest(_("No such category."))
            category = get_object_or_404(IncidentCategory, municipality=municipality, pk=pk)
            category.is_active = not category.is_active
            category.save(update_fields=["is_active"])
            return redirect(url("category-list", request))
        if request.method == "POST" and form.is_valid():
            category = form.save()
            messages.success(request, _("The category “%(name)s” was added.") % {"name": category})
            return redirect(url("category-list", request))
    elif request.method == "POST":
        raise PermissionDenied
    categories = IncidentCategory.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ).order_by("municipality", "position", "name")
    return render(
        request,
        "situation_reports/category_list.html",
        {"categories": categories, "form": form},
    )
