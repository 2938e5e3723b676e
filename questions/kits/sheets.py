"""A kit as interviewers read it: the sheet, its print view, PDF, CSV and Markdown, and the
signed-out share link.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from questions.api.throttles import SharedKitPdfThrottle, SharedKitThrottle, throttled
from questions.kits import queries
from questions.kits.access import readable_kit
from questions.kits.exports import (
    EXPORT_TYPES,
    kit_export_file,
    kit_pdf_bytes,
    kit_pdf_file,
    sheet_context,
)
from questions.models import Kit
from questions.pdf import PdfUnavailable, pdf_unavailable


@require_GET
@login_required
def kit_view(request: HttpRequest, code) -> HttpResponse:
    """The interviewer's view: the kit in order with guidance, ratings and notes."""
    kit = readable_kit(request, code)
    return render(
        request, "questions/kits/kit_interview.html", sheet_context(request, kit, shared=False)
    )


@require_GET
@login_required
def kit_print(request: HttpRequest, code) -> HttpResponse:
    kit = readable_kit(request, code)
    return render(
        request, "questions/kits/kit_print.html", sheet_context(request, kit, shared=False)
    )


@require_GET
@login_required
def kit_pdf(request: HttpRequest, code) -> HttpResponse:
    kit = readable_kit(request, code)
    return _pdf_response(request, kit, shared=False)


@require_GET
@login_required
def kit_export(request: HttpRequest, code, fmt: str) -> HttpResponse:
    """The kit as Markdown or CSV, with the pinned wording."""
    kit = readable_kit(request, code)
    if fmt not in EXPORT_TYPES:
        raise Http404("No such export format.")
    return kit_export_file(kit, fmt)


@require_GET
@throttled(SharedKitThrottle)
def kit_shared(request: HttpRequest, token: str) -> HttpResponse:
    """A kit opened from its share link: read-only, no account needed."""
    kit = _shared_kit(token)
    response = render(
        request, "questions/kits/kit_interview.html", sheet_context(request, kit, shared=True)
    )
    return keep_private(response)


@require_GET
@throttled(SharedKitPdfThrottle)
def kit_shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    kit = _shared_kit(token)
    return keep_private(_pdf_response(request, kit, shared=True))


def _shared_kit(token: str) -> Kit:
    kit = queries.kit_shared(token)
    if kit is None:
        raise Http404("This link is not shared, or was turned off.")
    return kit


def keep_private(response: HttpResponse) -> HttpResponse:
    """Keep a shared kit out of caches, search engines and other sites' referrer logs."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _pdf_response(request: HttpRequest, kit: Kit, *, shared: bool) -> HttpResponse:
    """The print view as a PDF download, or a polite page if this server cannot make PDFs."""
    try:
        pdf = kit_pdf_bytes(request, kit, shared=shared)
    except PdfUnavailable:
        print_url = (
            reverse("questions:kit-shared", args=[kit.share_token])
            if shared
            else reverse("questions:kit-print", args=[kit.code])
        )
        return pdf_unavailable(request, print_url)
    return kit_pdf_file(kit, pdf)
