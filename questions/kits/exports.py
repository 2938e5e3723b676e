"""A kit as a file: CSV, Markdown and PDF, the same for its pages and the API."""

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

from questions import caching
from questions.kits import queries
from questions.models import Kit, KitItem
from questions.pdf import pdf_document, pdf_download
from questions.scorecards.models import RATING_SCALE
from questions.spreadsheets import neutralised

CSV_HEADER = [
    "position",
    "competency",
    "question",
    "what to look for",
    "minutes",
    "interviewer note",
    "retired",
]


def kit_csv(kit: Kit, items: Sequence[KitItem] | None = None) -> str:
    """The kit as CSV, one row per question in order, with the pinned wording."""
    items = list(queries.kit_items(kit)) if items is None else items
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for item in items:
        writer.writerow(
            [
                item.position,
                neutralised(item.question.competency.name),
                neutralised(item.pinned_text),
                neutralised(item.pinned_guidance),
                item.minutes,
                neutralised(item.note),
                "yes" if item.is_retired else "",
            ]
        )
    return out.getvalue()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def _md(text: str) -> str:
    """Escape Markdown punctuation so bank text reads literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def kit_markdown(kit: Kit, items: Sequence[KitItem] | None = None) -> str:
    """The kit as a Markdown document an interviewer can paste anywhere."""
    items = list(queries.kit_items(kit)) if items is None else items
    summary = queries.kit_summary(kit, items)
    lines = [f"# {_md(kit.title)}", ""]
    facts = [f"{summary.count} questions", f"{summary.total_minutes} of {kit.target_minutes} min"]
    if kit.role:
        facts.insert(0, _md(kit.role.title))
    lines += [" · ".join(facts), ""]
    if kit.notes:
        lines += ["## Interview prep", "", _md(kit.notes), ""]
    lines += ["## Rating scale", ""]
    lines += [f"- **{score} {name}**: {text}" for score, name, text in RATING_SCALE]
    lines.append("")
    for section in queries.kit_sections(kit, items):
        lines += [f"## {_md(section.competency.name)}", ""]
        for item in section.items:
            retired = " (retired from the bank)" if item.is_retired else ""
            lines += [
                f"### {item.position}. {_md(item.pinned_text)}",
                "",
                f"*{item.minutes} min, {time_mark(item)}*{retired}",
                "",
                f"**What to look for:** {_md(item.pinned_guidance)}",
                "",
            ]
            if item.note:
                lines += [f"**Note:** {_md(item.note)}", ""]
            if item.pinned_anchors:
                lines += ["**Rating anchors:**", ""]
                lines += [
                    f"- **{level}**: {_md(anchor)}"
                    for level, anchor in enumerate(item.pinned_anchors, start=1)
                ]
                lines.append("")
            levels = " · ".join(str(level) for level, _, _ in RATING_SCALE)
            lines += [f"Rating: {levels}", "", "Notes:", ""]
    lines += ["## Overall recommendation", "", " · ".join(queries.RECOMMENDATIONS), ""]
    return "\n".join(lines)


def time_mark(item: KitItem) -> str:
    """When a question starts, counted from the first question's real start, not the slot's:
    introductions and late starts would otherwise put every mark out."""
    if item.starts_at == 0:
        return "starts the clock"
    return f"at +{item.starts_at} min"


# Room to write under each question on paper (print view and PDF), as ?room= chooses.
WRITING_ROOM = {"third": "A third of a page", "half": "Half a page", "page": "A page"}
DEFAULT_WRITING_ROOM = "third"


def writing_room(request: HttpRequest) -> str:
    """The room asked for, or the default for anything else (an old link, a typo)."""
    room = request.GET.get("room", "")
    return room if room in WRITING_ROOM else DEFAULT_WRITING_ROOM


def is_owner(request: HttpRequest, kit: Kit) -> bool:
    return request.user.is_authenticated and kit.owner_id == request.user.pk


def sheet_context(request: HttpRequest, kit: Kit, *, shared: bool) -> dict[str, Any]:
    items = list(queries.kit_items(kit))
    return {
        "kit": kit,
        "sections": queries.kit_sections(kit, items),
        "summary": queries.kit_summary(kit, items),
        "rating_scale": RATING_SCALE,
        "recommendations": queries.RECOMMENDATIONS,
        "shared": shared,
        "is_owner": is_owner(request, kit),
        "room": writing_room(request),
        "room_choices": WRITING_ROOM,
    }


def kit_filename(kit: Kit) -> str:
    """The download name of a kit's files, without the extension."""
    return slugify(kit.title)[:60] or "kit"


# What each text export is served as.
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8"}


def kit_export_file(kit: Kit, fmt: str) -> HttpResponse:
    """The kit as a CSV or Markdown download (`fmt` is "csv" or "md"); shared with the API."""
    items = list(queries.kit_items(kit))
    # The byte-order mark lets spreadsheet programs read a CSV file as UTF-8.
    body = "\ufeff" + kit_csv(kit, items) if fmt == "csv" else kit_markdown(kit, items)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kit_filename(kit)}.{fmt}"'
    return response


def kit_pdf_file(kit: Kit, pdf: bytes) -> HttpResponse:
    """A kit's PDF (from `kit_pdf_bytes`) as a download; shared with the API."""
    return pdf_download(pdf, kit_filename(kit))


def kit_pdf_bytes(request: HttpRequest, kit: Kit, *, shared: bool = False) -> bytes:
    """The kit's PDF, laid out once per version of the kit and then served from the cache.

    Laying out takes time for every question, so a link opened by many (or by a script)
    would otherwise keep server processes busy. Any change to the kit or its items moves
    `updated_at`, and any change to the bank its version, so a cached file is never stale.
    """
    key = ":".join(
        str(part)
        for part in (
            "kit-pdf",
            kit.pk,
            kit.updated_at.isoformat(),
            caching.bank_version(),
            shared,
            is_owner(request, kit),
            writing_room(request),
        )
    )
    pdf = cache.get(key)
    if pdf is None:
        pdf = kit_pdf_document(request, kit, shared=shared).write_pdf()
        cache.set(key, pdf, timeout=settings.KIT_PDF_CACHE_SECONDS)
    return pdf


def kit_pdf_document(request: HttpRequest, kit: Kit, *, shared: bool = False):
    """The print view laid out by WeasyPrint with the site's print stylesheet (a Document)."""
    context = sheet_context(request, kit, shared=shared) | {"for_pdf": True}
    return pdf_document(render_to_string("questions/kits/kit_print.html", context, request=request))
