"""Areas (områden) of a municipality: everyone in it reads the list, managers keep it."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from councils import permissions
from councils.forms.areas import AreaForm, MunicipalityOutlineForm
from councils.models import Area, MunicipalityOutline
from trygghet.access import EVERYONE, MANAGERS, municipal_view

from .common import page_url


def _form_page(request, form, title):
    return render(
        request,
        "councils/area_form.html",
        {
            "form": form,
            "title": title,
            "back_url": page_url("area-list", request),
            "has_tiles": bool(getattr(settings, "MAP_TILE_URL", "")),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@municipal_view(roles=EVERYONE)
def area_list(request):
    areas = Area.objects.restrict(request.membership).order_by("-is_active", "name")
    return render(
        request,
        "councils/area_list.html",
        {
            "areas": areas,
            "can_manage": permissions.can_manage(request.membership),
            "has_outline": MunicipalityOutline.objects.filter(
                municipality=request.municipality
            ).exists(),
        },
    )


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def area_create(request):
    form = AreaForm(request.POST or None, request.FILES or None, municipality=request.municipality)
    if request.method == "POST" and form.is_valid():
        area = form.save()
        messages.success(request, _("The area “%(name)s” was added.") % {"name": area.name})
        return redirect(page_url("area-list", request))
    return _form_page(request, form, _("New area"))


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def area_edit(request, pk):
    area = get_object_or_404(Area.objects.restrict(request.membership), pk=pk)
    form = AreaForm(
        request.POST or None,
        request.FILES or None,
        instance=area,
        municipality=request.municipality,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes to “%(name)s” were saved.") % {"name": area.name})
        return redirect(page_url("area-list", request))
    return _form_page(request, form, _("Change the area “%(name)s”") % {"name": area.name})


@municipal_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def municipality_outline(request):
    """The municipality's outline: drawn, pasted or imported like an area's."""
    form = MunicipalityOutlineForm(
        request.POST or None, request.FILES or None, municipality=request.municipality
    )
    if request.method == "POST" and form.is_valid():
        if form.save() is None:
            messages.success(request, _("The outline of the municipality was removed."))
        else:
            messages.success(request, _("The outline of the municipality was saved."))
        return redirect(page_url("area-list", request))
    return _form_page(
        request,
        form,
        _("Outline of %(municipality)s") % {"municipality": request.municipality.name},
    )
