"""Text that a spreadsheet would run as a formula, kept as text in the files we write.

A question or note starting with `=`, `+`, `-` or `@` is a formula to Excel, LibreOffice
and Google Sheets when opened from a CSV file, which can run commands or send the sheet's
contents elsewhere. CSV cells like that get a leading apostrophe, which spreadsheets read
as "this is text", and lose it when read back, so an export imports back unchanged. XLSX
cells are typed as text instead, with nothing added.
"""

import io
from typing import Any

import tablib
from import_export.formats.base_formats import CSV, XLSX

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
# What gets the guard: a formula's first character, or the guard itself (so it round-trips).
GUARDED_START = (*FORMULA_START, GUARD)


def neutralised(value: Any) -> Any:
    """The cell as CSV should hold it: text that cannot start a formula.

    Text that starts with the apostrophe itself is guarded too, so `restored` never takes
    away an apostrophe that was part of the text: the round trip is exact.
    """
    if isinstance(value, str) and value.startswith(GUARDED_START):
        return GUARD + value
    return value


def restored(value: Any) -> Any:
    """A cell read back from CSV, without the apostrophe `neutralised` added."""
    if isinstance(value, str) and value.startswith(GUARD) and value[1:].startswith(GUARDED_START):
        return value[1:]
    return value


def _each_cell(dataset: tablib.Dataset, change) -> tablib.Dataset:
    rows = [tuple(change(cell) for cell in row) for row in dataset]
    return tablib.Dataset(*rows, headers=dataset.headers, title=dataset.title)


class SafeCSV(CSV):
    """CSV whose text cells never start a formula."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        return super().export_data(_each_cell(dataset, neutralised), **kwargs)

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> tablib.Dataset:
        return _each_cell(super().create_dataset(in_stream, **kwargs), restored)


class SafeXLSX(XLSX):
    """XLSX whose cells are all values: one starting with "=" is text, not a formula."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        import openpyxl  # only when exporting: it is large, and workers rarely need it
        from openpyxl.utils.escape import escape

        def carriage_returns_escaped(value: Any) -> Any:
            # XML reads a raw carriage return back as a line feed; Excel's own escape for
            # it (_x000D_) survives the trip.
            return escape(value) if isinstance(value, str) and "\r" in value else value

        dataset = _each_cell(dataset, carriage_returns_escaped)
        workbook = openpyxl.load_workbook(io.BytesIO(super().export_data(dataset, **kwargs)))
        for sheet in workbook:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> tablib.Dataset:
        from openpyxl.utils.escape import unescape

        def unescaped(value: Any) -> Any:
            return unescape(value) if isinstance(value, str) and "_x" in value else value

        return _each_cell(super().create_dataset(in_stream, **kwargs), unescaped)
