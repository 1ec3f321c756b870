"""User text leaving the site in files: spreadsheet cells and PDF paragraphs.

Names, positions, agencies and titles are typed by people; in a file they must stay text.

- A spreadsheet cell starting with `=`, `+`, `-`, `@`, tab or carriage return is read by Excel
  and LibreOffice as a formula (`=HYPERLINK(...)`, `@SUM(...)`, DDE). `spreadsheet_cell`
  prefixes such text with a single quote, as OWASP advises for CSV injection; numbers stay
  numbers (a negative count is a number, not text).
- ReportLab's `Paragraph` parses its text as markup: `<b>` opens a tag, an unclosed one is an
  error (a 500) and `<img src=...>` embeds a file of the server. `pdf_text` escapes it.

Every CSV/XLSX writer and every Paragraph built from data goes through these two functions;
Wagtail's spreadsheet exports are made safe at start-up (`make_wagtail_exports_safe`). The
readers of CSV/XLSX files (lms.core.tables, the roster reader) take the quote off again with
`spreadsheet_text`, so a file the site wrote reads back unchanged. Pure Python: the readers use it.
"""

from collections.abc import Iterable
from xml.sax.saxutils import escape

__all__ = [
    "FORMULA_PREFIXES",
    "make_wagtail_exports_safe",
    "pdf_text",
    "spreadsheet_cell",
    "spreadsheet_row",
    "spreadsheet_text",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """`value` as a cell that a spreadsheet shows and never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable) -> list:
    return [spreadsheet_cell(value) for value in values]


def spreadsheet_text(text: str) -> str:
    """The text a cell written by `spreadsheet_cell` stood for (its quote taken off)."""
    if text[:1] == "'" and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def pdf_text(value) -> str:
    """User text for a ReportLab Paragraph: shown as typed, never read as markup."""
    return escape("" if value is None else str(value))


def make_wagtail_exports_safe() -> None:
    """Make every Wagtail spreadsheet export (reports, snippet and user listings) safe.

    Wagtail turns formula cells of its XLSX back into text but writes CSV cells as they are;
    with this, every exported value goes through `spreadsheet_cell` in both formats, for the
    project's own reports and for Wagtail's built-in ones (site history, locked pages, ...).
    The CSV starts with a UTF-8 byte order mark: without it Excel reads the file as ANSI and
    garbles Vietnamese. Called once at start-up.
    """
    from django.utils.http import content_disposition_header

    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin, "exports_are_safe", False):
        return
    preprocess = SpreadsheetExportMixin.preprocess_field_value
    stream_csv = SpreadsheetExportMixin.stream_csv
    write_csv_response = SpreadsheetExportMixin.write_csv_response

    def safe_preprocess(self, field, value, export_format):
        return spreadsheet_cell(preprocess(self, field, value, export_format))

    def stream_csv_with_bom(self, queryset):
        yield "\ufeff"
        yield from stream_csv(self, queryset)

    def csv_response(self, queryset):
        response = write_csv_response(self, queryset)
        filename = f"{self.get_filename()}.csv"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    SpreadsheetExportMixin.preprocess_field_value = safe_preprocess
    SpreadsheetExportMixin.stream_csv = stream_csv_with_bom
    SpreadsheetExportMixin.write_csv_response = csv_response
    SpreadsheetExportMixin.exports_are_safe = True
