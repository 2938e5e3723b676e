"""Importing questions: reading question pages like the seed, and reporting what an import does.

A question page is plain text, one paragraph per line: a title, a role description, some
headings, then each question followed by its guidance. Headings and page furniture (ads,
"Save as PDF") are recognised because they are not sentences: they end without a full stop or
question mark. The rows read from a page go through the same `QuestionResource` as a
spreadsheet, so both follow the same rules and report in the same words.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import uuid4

import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.safestring import SafeString
from import_export.results import Result, RowResult
from import_export.tmp_storages import BaseStorage

from questions.curation.quality import wording_warnings
from questions.curation.resources import QuestionResource, error_columns, find_question
from questions.models import ImportUpload, Role

# Lines that are sentences yet still page furniture; compared ignoring case.
KNOWN_CHROME = {"save as pdf", "save as pdf.", "advertisement", "share this page."}
SENTENCE_ENDINGS = (".", "?", "!", "…", ":", '"', "”", ")")

# Uploads never confirmed are deleted when a later upload is saved this much later.
UPLOAD_LIFETIME = timedelta(days=1)

STATUS = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "changed",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_DELETE: "deleted",
    RowResult.IMPORT_TYPE_INVALID: "error",
    RowResult.IMPORT_TYPE_ERROR: "error",
}
STATUS_ORDER = ["new", "changed", "unchanged", "error"]
STATUS_LABELS = {
    "new": "new",
    "changed": "changed",
    "unchanged": "unchanged",
    "error": "with errors",
}


class PageError(ValueError):
    """The page cannot be read as questions and guidance; the message says why."""


@dataclass
class QuestionPage:
    """What a question page holds once its headings and furniture are set aside."""

    title: str
    description: str
    pairs: list[tuple[str, str]]
    ignored: list[str] = field(default_factory=list)


def _is_chrome(line: str) -> bool:
    return line.casefold() in KNOWN_CHROME or not line.endswith(SENTENCE_ENDINGS)


def parse_question_page(text: str) -> QuestionPage:
    """Read a page into its title, role description and (question, guidance) pairs."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise PageError("The page is empty.")
    title, description, paragraphs, ignored = lines[0], [], [], []
    seen_heading = False
    for line in lines[1:]:
        if _is_chrome(line):
            ignored.append(line)
            seen_heading = True
        elif seen_heading:
            paragraphs.append(line)
        else:
            # Sentences between the title and the first heading describe the role.
            description.append(line)
    if not seen_heading:
        # No headings at all: every paragraph after the title is a question or guidance.
        paragraphs, description = description, []
    if not paragraphs:
        raise PageError("The page has no questions: nothing after its headings is a sentence.")
    if len(paragraphs) % 2:
        raise PageError(
            f"The page has {len(paragraphs)} paragraphs after its headings; questions and "
            "guidance come in pairs, so one is missing or a heading ends with a full stop. "
            f"The last paragraph is: “{paragraphs[-1][:80]}”."
        )
    pairs = list(zip(paragraphs[0::2], paragraphs[1::2], strict=True))
    return QuestionPage(title, "\n\n".join(description), pairs, ignored)


def competency_per_question(
    count: int, *, competency: str | None = None, blocks: list[str] | None = None, block_size: int
) -> list[str]:
    """The competency slug for each of `count` questions: one for all, or consecutive blocks."""
    if competency:
        return [competency] * count
    if not blocks:
        raise PageError("Name one competency for all questions, or the competency of each block.")
    if block_size < 1:
        raise PageError("The block size must be at least 1.")
    covered = len(blocks) * block_size
    if count > covered:
        raise PageError(
            f"The page has {count} questions, but {len(blocks)} blocks of {block_size} "
            f"cover only {covered}. Name a competency for every block."
        )
    if count <= covered - block_size:
        raise PageError(
            f"The page has {count} questions: block {len(blocks)} "
            f"(“{blocks[-1]}”) would get none. Check the block size or the blocks."
        )
    return [blocks[index // block_size] for index in range(count)]


def page_dataset(page: QuestionPage, *, role: Role, competencies: list[str]) -> tablib.Dataset:
    """The page's questions as import rows for `role`, with the given competency for each.

    Rows carry no slug, so they are matched to the bank by their text. A question already in
    the bank keeps its other roles: the role is added, never swapped.
    """
    dataset = tablib.Dataset(headers=["text", "guidance", "competency", "roles"])
    for (text, guidance), competency in zip(page.pairs, competencies, strict=True):
        roles = {role.slug}
        existing = find_question(slug="", text=text)
        if existing:
            roles.update(existing.roles.values_list("slug", flat=True))
        dataset.append([text, guidance, competency, ",".join(sorted(roles))])
    return dataset


@dataclass
class ReportRow:
    """One row of an import: what it does to the bank, or what is wrong with it."""

    number: int
    status: str
    text: str
    changes: list[tuple[str, SafeString]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    # Advice about the wording, as the admin form and the API give it: shown, never enforced.
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import would do (or did), row by row, in the words editors see."""

    rows: list[ReportRow]
    file_errors: list[str]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {status: counted[status] for status in STATUS_ORDER}

    @property
    def count_labels(self) -> list[tuple[str, int, str]]:
        """(status, count, label) for each status, for the summary line of the preview."""
        return [(status, n, STATUS_LABELS[status]) for status, n in self.counts.items()]

    @property
    def rows_to_review(self) -> list[ReportRow]:
        """The rows that change something or have errors; unchanged rows are listed apart."""
        return [row for row in self.rows if row.status != "unchanged"]

    @property
    def unchanged_rows(self) -> list[ReportRow]:
        return [row for row in self.rows if row.status == "unchanged"]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def summary(self) -> str:
        counts = self.counts
        return (
            f"{len(self.rows)} rows: {counts['new']} new, {counts['changed']} changed, "
            f"{counts['unchanged']} unchanged, {counts['error']} with errors."
        )


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


def import_report(result: Result) -> ImportReport:
    """Turn an import result into rows of new / changed / unchanged / error.

    The resource reports every row (unchanged ones too), in file order, so the position of a
    row result is its row number.
    """
    rows = []
    for number, row_result in enumerate(result.rows, start=1):
        values = row_result.row_values or {}
        errors = []
        if row_result.validation_error is not None:
            errors = error_columns(row_result.validation_error)
        for error in row_result.errors:
            errors.extend(("row", message) for message in _messages(error.error))
        status = STATUS.get(row_result.import_type, row_result.import_type)
        rows.append(
            ReportRow(
                number=number,
                status=status,
                text=str(values.get("text") or row_result.object_repr or ""),
                changes=list(row_result.diff or []) if not errors else [],
                errors=errors,
                warnings=_wording_warnings(values) if status in {"new", "changed"} else [],
            )
        )
    file_errors = [message for error in result.base_errors for message in _messages(error.error)]
    return ImportReport(rows, file_errors)


def _wording_warnings(values: dict) -> list[str]:
    return wording_warnings(
        text=str(values.get("text") or ""), guidance=str(values.get("guidance") or "")
    )


def import_rows(dataset: tablib.Dataset, *, commit: bool, file_name: str) -> ImportReport:
    """Import rows of questions, all or nothing: a dry run unless `commit`; any error rolls
    back every row."""
    result = QuestionResource().import_data(
        dataset,
        dry_run=not commit,
        use_transactions=True,
        rollback_on_validation_errors=True,
        file_name=file_name,
    )
    return import_report(result)


def diff_as_text(diff: SafeString) -> str:
    """A word-level difference for a terminal: [-removed-] and {+added+}."""
    text = re.sub(r"<del>(.*?)</del>", r"[-\1-]", str(diff), flags=re.DOTALL)
    text = re.sub(r"<ins>(.*?)</ins>", r"{+\1+}", text, flags=re.DOTALL)
    return html.unescape(text)


class DatabaseImportStorage(BaseStorage):
    """Where the admin's import keeps an uploaded file between preview and confirmation.

    django-import-export's default is a temporary folder on the server that showed the
    preview; with several servers the confirmation may reach another, so the file is kept
    in the database (`ImportUpload`) instead. Uploads left unconfirmed are deleted a day on.
    """

    def save(self, data: bytes) -> None:
        if not self.name:
            self.name = uuid4().hex
        ImportUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_LIFETIME).delete()
        ImportUpload.objects.update_or_create(name=self.name, defaults={"data": bytes(data)})

    def read(self) -> bytes | str:
        data = bytes(ImportUpload.objects.get(name=self.name).data)
        if "b" in self.read_mode:
            return data
        return data.decode(self.encoding or "utf-8")

    def remove(self) -> None:
        ImportUpload.objects.filter(name=self.name).delete()
