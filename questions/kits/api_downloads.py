"""A kit downloaded through the API: PDF, Markdown and CSV, the same files its pages give
(exports.py), with the API's access rules and errors."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from questions.api.errors import ErrorSerializer, error_responses
from questions.kits import exports, queries
from questions.kits.api import KIT_ID, KitPermission
from questions.models import Kit
from questions.pdf import PdfUnavailable


class DownloadRenderer(BaseRenderer):
    """Stands for a download's file type in content negotiation; the view writes the file."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        return data


class PdfRenderer(DownloadRenderer):
    media_type, format = "application/pdf", "pdf"


class MarkdownRenderer(DownloadRenderer):
    media_type, format = "text/markdown", "md"


class CsvRenderer(DownloadRenderer):
    media_type, format = "text/csv", "csv"


class PdfDownloadUnavailable(exceptions.APIException):
    """This server cannot lay out PDFs: a 503 that points to the other downloads."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "PDF downloads are not available on this server. The Markdown and CSV downloads still work."
    )
    default_code = "pdf_unavailable"


def download_schema(fmt: str, media_type: str, what: str, extra: dict | None = None) -> Any:
    """The schema of one download: its file type on success, JSON errors otherwise."""
    disposition = OpenApiParameter(
        "Content-Disposition",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200],
        description=f'`attachment; filename="<kit title>.{fmt}"`',
    )
    errors = error_responses(401, 403, 404, 429, media_type="application/json")
    errors[(406, "application/json")] = OpenApiResponse(
        ErrorSerializer,
        description=f"The `Accept` header rules out `{media_type}`, the only type offered.",
    )
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"kits_download_{fmt}",
            summary=f"Download a kit as {what}",
            parameters=[KIT_ID, disposition],
            responses={
                (200, media_type): OpenApiResponse(
                    OpenApiTypes.BINARY if fmt == "pdf" else OpenApiTypes.STR,
                    description=f"The kit as {what}, with the wording it keeps.",
                ),
                **errors,
                **(extra or {}),
            },
        )
    )


class KitDownloadView(GenericAPIView):
    """A kit as a file. Whoever may read the kit may download it; errors are still JSON."""

    permission_classes = [KitPermission]
    fmt = ""

    def get_queryset(self) -> QuerySet[Kit]:
        return queries.kits_visible_to(self.request.user).select_related("role", "owner")

    def get(self, request: Request, id: int) -> HttpResponse:
        kit = get_object_or_404(self.get_queryset(), pk=id)
        return exports.kit_export_file(kit, self.fmt)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        try:
            return super().perform_content_negotiation(request, force=force)
        except exceptions.NotAcceptable as error:
            media_type = self.renderer_classes[0].media_type
            raise exceptions.NotAcceptable(
                f"This download is offered only as {media_type}: send `Accept: {media_type}` "
                "or `Accept: */*`."
            ) from error

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            # Only errors are DRF responses here (a download is a plain HttpResponse), and
            # they are JSON whatever file type was asked for.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


@download_schema(
    "pdf",
    "application/pdf",
    "a PDF",
    extra={
        (503, "application/json"): OpenApiResponse(
            ErrorSerializer,
            description="This server cannot make PDFs (its PDF libraries are missing).",
        )
    },
)
class KitPdfView(KitDownloadView):
    """The print view of a kit as a PDF, laid out as the PDF page lays it out."""

    renderer_classes = [PdfRenderer]
    fmt = "pdf"

    def get(self, request: Request, id: int) -> HttpResponse:
        kit = get_object_or_404(self.get_queryset(), pk=id)
        try:
            pdf = exports.kit_pdf_bytes(request._request, kit)
        except PdfUnavailable as error:
            raise PdfDownloadUnavailable() from error
        return exports.kit_pdf_file(kit, pdf)


@download_schema("md", "text/markdown", "Markdown")
class KitMarkdownView(KitDownloadView):
    """A kit as a Markdown document an interviewer can paste anywhere."""

    renderer_classes = [MarkdownRenderer]
    fmt = "md"


@download_schema("csv", "text/csv", "CSV")
class KitCsvView(KitDownloadView):
    """A kit as CSV, one row per question; cells a spreadsheet would run are neutralised."""

    renderer_classes = [CsvRenderer]
    fmt = "csv"
