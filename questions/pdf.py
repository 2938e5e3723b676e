"""Print pages as PDF files: one layout for kits and debriefs, with the site's print stylesheet
and the vendored font, so a file looks the same whichever server made it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from questions import pdf_fonts

logger = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint's native libraries (Pango) are not installed on this machine."""


def pdf_document(html: str):
    """`html` laid out by WeasyPrint (a Document: `.pages`, `.write_pdf()`)."""
    try:
        # Imported here: it loads native libraries that only a PDF download needs.
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
    except OSError as error:
        logger.error("PDF downloads need Pango for WeasyPrint: %s", error)
        raise PdfUnavailable from error

    fetcher = pdf_fonts.fonts_only_fetcher()
    fonts = FontConfiguration()
    stylesheets = [
        CSS(filename=finders.find("questions/site.css"), url_fetcher=fetcher),
        CSS(string=pdf_fonts.font_css(), url_fetcher=fetcher, font_config=fonts),
    ]
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=fonts
    )


def pdf_unavailable(request: HttpRequest, print_url: str) -> HttpResponse:
    """A polite 503 for a server that cannot make PDFs, pointing to the print view."""
    return render(
        request, "questions/kits/kit_pdf_unavailable.html", {"print_url": print_url}, status=503
    )


def pdf_download(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF as a download named `filename` (without the extension)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
