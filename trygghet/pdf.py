"""PDF documents of the app (the lägesbild, the minutes, the agreement), made one way.

They are tagged PDF/UA-1 (issue 12, point 12): a screen reader reads their headings, tables
and reading order, and the document language is the one the page was rendered in (the
template's ``<html lang>``, which WeasyPrint writes into the catalogue's /Lang). The file name
is given in the reader's language by the caller; non-ASCII names are sent as RFC 6266
``filename*``.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

PDF_VARIANT = "pdf/ua-1"


def render_pdf(request, template, context):
    """The PDF bytes of ``template`` rendered with ``context``."""
    # Imported here: WeasyPrint loads Pango and takes over half a second to import, which
    # every process would pay with the URLconf otherwise.
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def pdf_response(request, template, context, *, filename, attachment=False):
    """An HttpResponse with the PDF of ``template``, named ``filename`` (".pdf" added)."""
    response = HttpResponse(render_pdf(request, template, context), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(attachment, f"{filename}.pdf")
    return response
