"""Export of a filtered set of incidents as CSV or Excel, safe against formula injection.

Every cell of both formats goes through ``trygghet.spreadsheets.safe_cell`` and nothing touches
it afterwards (see that module for why the order matters).
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from trygghet.spreadsheets import safe_cell


def columns():
    return [
        _("Id"),
        _("Date"),
        _("Start"),
        _("End"),
        _("Part of day"),
        _("Category"),
        _("Area"),
        _("Place"),
        _("Latitude"),
        _("Longitude"),
        _("Description"),
        _("Severity"),
        _("Confidentiality"),
        _("Status"),
        _("Source"),
        _("Source organisation"),
        _("Police event id"),
        _("Logged at"),
    ]


def _local(dt, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(dt).strftime(fmt) if dt else ""


def rows(queryset):
    qs = queryset.select_related("category", "area", "organisation").order_by(
        "-occurred_on", "-started_at", "-id"
    )
    for incident in qs.iterator(chunk_size=2000):
        yield [
            incident.pk,
            incident.occurred_on.isoformat(),
            _local(incident.started_at, "%H:%M"),
            _local(incident.ended_at),
            incident.get_part_of_day_display() if incident.part_of_day else "",
            incident.category.name,
            incident.area.name if incident.area_id else "",
            incident.place,
            float(incident.latitude) if incident.latitude is not None else "",
            float(incident.longitude) if incident.longitude is not None else "",
            incident.description,
            incident.get_severity_display(),
            incident.get_confidentiality_display(),
            incident.get_status_display(),
            incident.get_source_display(),
            incident.organisation.name if incident.organisation_id else "",
            incident.police_id or "",
            _local(incident.created_at),
        ]


class _Echo:
    def write(self, value):
        return value


def csv_response(queryset, filename):
    """Semicolon-separated UTF-8 with a byte-order mark: what Swedish Excel opens directly."""
    writer = csv.writer(_Echo(), delimiter=";")

    def stream():
        yield "\ufeff"
        yield writer.writerow([safe_cell(title) for title in columns()])
        for row in rows(queryset):
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(queryset, filename):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Incidents"))
    header = []
    for title in columns():
        cell = WriteOnlyCell(sheet, value=safe_cell(title))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows(queryset):
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
