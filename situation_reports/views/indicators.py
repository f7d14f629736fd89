"""Indicator series (other sources than incidents): the list with the latest values, a measure's
page with its values over time, adding and changing a measure or a value, and the import of a
CSV or Excel file (previewed; saved only when every row is clean).

Aggregates only, so everyone of the municipality reads; admins and coordinators edit."""

import logging

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygghet.access import municipal_view
from trygghet.tenancy import EVERYONE, MANAGERS

from ..forms.indicators import IndicatorForm, IndicatorImportForm, IndicatorValueForm
from ..models import Indicator, IndicatorValue
from ..services import charts
from ..services import indicators as service
from .listing import url

logger = logging.getLogger(__name__)

IMPORT_SESSION_KEY = "situation_reports_indicator_import"
CHART_SERIES = 7


def _indicator(request, pk):
    return get_object_or_404(Indicator.objects.available_to(request.municipality), pk=pk)


@municipal_view(roles=EVERYONE)
def indicator_list(request):
    indicators = list(Indicator.objects.available_to(request.municipality))
    latest = service.latest_values(request.municipality, indicators)
    rows = [(indicator, latest.get(indicator.pk)) for indicator in indicators]
    # Measures with figures first, then the rest of the catalogue.
    rows.sort(key=lambda pair: pair[1] is None)
    return render(
        request,
        "situation_reports/indicator_list.html",
        {"rows": rows, "can_edit": request.membership.is_manager},
    )


@municipal_view(roles=EVERYONE)
def indicator_detail(request, pk):
    indicator = _indicator(request, pk)
    columns, rows, values = service.series_table(indicator, request.municipality)
    chart = None
    if len(rows) >= 2:
        series = []
        for index, column in enumerate(columns[:CHART_SERIES]):
            name = " · ".join(part for part in column if part) or request.municipality.name
            series.append(
                (name, [float(cells[index].value) if cells[index] else 0 for _l, cells in rows])
            )
        chart = charts.line_chart(
            "indicator-chart",
            indicator.name,
            [label for label, _cells in rows],
            series,
            desc=_("The values over time; the table below holds the same figures."),
            every=1,
        )
    form = None
    if request.membership.is_manager:
        form = IndicatorValueForm(indicator=indicator, municipality=request.municipality)
    return render(
        request,
        "situation_reports/indicator_detail.html",
        {
            "indicator": indicator,
            "columns": columns,
            "rows": rows,
            "values": values,
            "chart": chart,
            "form": form,
            "has_demo": any(value.is_demo for value in values),
        },
    )


@municipal_view(roles=MANAGERS)
def indicator_create(request):
    return _indicator_form(request, Indicator())


@municipal_view(roles=MANAGERS)
def indicator_edit(request, pk):
    indicator = _indicator(request, pk)
    if indicator.is_catalogue:
        raise Http404  # the default catalogue is the same for every municipality
    return _indicator_form(request, indicator)


def _indicator_form(request, indicator):
    form = IndicatorForm(
        request.POST if request.method == "POST" else None,
        instance=indicator,
        municipality=request.municipality,
    )
    if request.method == "POST" and form.is_valid():
        indicator = form.save()
        messages.success(request, _("“%(name)s” was saved.") % {"name": indicator.name})
        return redirect(indicator.url_for(request.municipality))
    return render(
        request, "situation_reports/indicator_form.html", {"form": form, "indicator": indicator}
    )


@municipal_view(roles=MANAGERS)
def value_create(request, pk):
    return _value_form(request, _indicator(request, pk), IndicatorValue())


@municipal_view(roles=MANAGERS)
def value_edit(request, pk, value_pk):
    indicator = _indicator(request, pk)
    value = get_object_or_404(
        IndicatorValue.objects.restrict(request.membership), pk=value_pk, indicator=indicator
    )
    return _value_form(request, indicator, value)


def _value_form(request, indicator, value):
    form = IndicatorValueForm(
        request.POST if request.method == "POST" else None,
        instance=value,
        indicator=indicator,
        municipality=request.municipality,
    )
    if request.method == "POST" and form.is_valid():
        value = form.save(commit=False)
        if not value.pk:
            value.created_by = request.user
        value.is_demo = False  # a value a person entered is no longer a demo value
        value.save()
        messages.success(
            request,
            _("The value for %(period)s was saved.") % {"period": value.period_label},
        )
        return redirect(indicator.url_for(request.municipality))
    return render(
        request,
        "situation_reports/indicator_value_form.html",
        {"form": form, "indicator": indicator, "value": value},
    )


@require_POST
@municipal_view(roles=MANAGERS)
def value_delete(request, pk, value_pk):
    indicator = _indicator(request, pk)
    value = get_object_or_404(
        IndicatorValue.objects.restrict(request.membership), pk=value_pk, indicator=indicator
    )
    value.delete()
    messages.success(
        request, _("The value for %(period)s was removed.") % {"period": value.period_label}
    )
    return redirect(indicator.url_for(request.municipality))


def _storable(rows):
    """The cells as the session can keep them (JSON): numbers stay numbers."""
    return [
        [cell if isinstance(cell, int | float) and not isinstance(cell, bool) else str(cell)
         for cell in row]
        for row in rows
    ]  # fmt: skip


@municipal_view(roles=MANAGERS)
def indicator_import(request):
    """Step 1: upload, and see every row with its errors. Nothing is saved yet."""
    form = IndicatorImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = _storable(service.read_table(upload.name, upload.read()))
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            preview = service.preview(rows, request.municipality)
            if preview.fatal:
                form.add_error("file", preview.fatal)
                preview = None
            elif preview.is_clean:
                request.session[IMPORT_SESSION_KEY] = {
                    "municipality": request.municipality.pk,
                    "name": upload.name,
                    "rows": rows,
                }
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
    return render(
        request, "situation_reports/indicator_import.html", {"form": form, "preview": preview}
    )


@require_POST
@municipal_view(roles=MANAGERS)
def indicator_import_confirm(request):
    """Step 2: save every row of the previewed, clean file in one transaction."""
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if not stored or stored.get("municipality") != request.municipality.pk:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect(url("indicator-import", request))
    try:
        created = service.import_rows(stored["rows"], request.municipality, request.user)
    except service.ImportNotClean:
        messages.error(
            request,
            _("Nothing was imported: the file has rows with errors now. Upload it again."),
        )
        return redirect(url("indicator-import", request))
    except DatabaseError:
        logger.exception(
            "Indicator import of %s failed in %s", stored["name"], request.municipality
        )
        messages.error(
            request,
            _("Nothing was imported: the file could not be saved. Check it and upload it again."),
        )
        return redirect(url("indicator-import", request))
    messages.success(
        request,
        _("%(count)s values imported from %(name)s.") % {"count": created, "name": stored["name"]},
    )
    return redirect(url("indicator-list", request))
