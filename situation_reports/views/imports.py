"""Importing incidents: a coordinator's spreadsheet (CSV, previewed before anything is saved),
and the switch of the periodic fetch of the police's open data."""

import logging

from django.contrib import messages
from django.db import DatabaseError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet.access import municipal_view
from trygghet.tenancy import MANAGERS

from ..forms.incidents import IncidentImportForm
from ..models import PoliceImportSetting
from ..services import csv_import
from .listing import url

logger = logging.getLogger(__name__)

IMPORT_SESSION_KEY = "situation_reports_import"


@municipal_view(roles=MANAGERS)
def incident_import(request):
    """Step 1: upload, and see every row with its errors. Nothing is saved yet."""
    form = IncidentImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            text = csv_import.decode(form.cleaned_data["file"].read())
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            preview = csv_import.preview(text, request.membership)
            if preview.fatal:
                form.add_error("file", preview.fatal)
                preview = None
            else:
                request.session[IMPORT_SESSION_KEY] = {
                    "municipality": request.municipality.pk,
                    "name": form.cleaned_data["file"].name,
                    "text": text,
                }
    setting = PoliceImportSetting.objects.filter(municipality=request.municipality).first()
    return render(
        request,
        "situation_reports/incident_import.html",
        {"form": form, "preview": preview, "police_setting": setting},
    )


@require_POST
@municipal_view(roles=MANAGERS)
def police_import_switch(request):
    """Switch the periodic fetch of the police's open data on or off for the municipality."""
    setting, _created = PoliceImportSetting.objects.get_or_create(municipality=request.municipality)
    setting.enabled = request.POST.get("enabled") == "on"
    setting.save(update_fields=["enabled"])
    if setting.enabled:
        messages.success(request, _("The police's open data will be fetched automatically."))
    else:
        messages.success(request, _("The police's open data is no longer fetched automatically."))
    return redirect(url("incident-import", request))


@require_POST
@municipal_view(roles=MANAGERS)
def incident_import_confirm(request):
    """Step 2: import the valid rows of the previewed file, in one transaction."""
    # Taken out of the session first: a file whose import fails is never tried again (issue #10:
    # one bad file made every later confirm fail).
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if not stored or stored.get("municipality") != request.municipality.pk:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect(url("incident-import", request))
    try:
        result = csv_import.import_rows(stored["text"], request.membership)
    except DatabaseError:
        logger.exception("CSV import of %s failed in %s", stored["name"], request.municipality)
        messages.error(
            request,
            _(
                "Nothing was imported: the file could not be saved. Check it and upload it "
                "again; if this happens again, tell the administrator."
            ),
        )
        return redirect(url("incident-import", request))
    messages.success(
        request,
        _(
            "%(created)s incidents imported from %(name)s; %(existing)s were already there, "
            "%(invalid)s rows had errors and were left out."
        )
        % {
            "created": result.created,
            "name": stored["name"],
            "existing": result.existing,
            "invalid": result.invalid,
        },
    )
    return redirect(url("incident-list", request) + "?source=import")
