"""What the councils pages share: the address of a page of the municipality, the one form page,
and a service's ValidationError shown on its form."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


def page_url(name, request, **kwargs):
    return reverse(f"councils:{name}", kwargs={"municipality": request.municipality.slug, **kwargs})


def form_page(request, form, *, title, back_url, intro="", submit=None):
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


def add_form_errors(form, error):
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
