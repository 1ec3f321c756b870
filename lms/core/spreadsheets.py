"""Refuse hostile spreadsheets before a reader allocates memory for them.

calamine and openpyxl trust a workbook: one cell at XFD1048576 makes calamine allocate a grid of
17 billion cells (hundreds of GB; the process aborts with no Python error to catch), and a 32 KB
package can inflate to hundreds of MB of sheet XML. Every reader of CSV, XLSX or ZIP input calls
this module first, on the bytes it was given:

- `check_workbook` opens the package as a ZIP and inflates each member itself, through a stream
  that stops at the caps whatever the headers declare (declared size, compression ratio, member
  count), then scans each worksheet's XML with a streaming parser: the declared `<dimension>` and
  every cell reference must stay within the row and column caps;
- `check_table_extent` is the same row/column rule for readers that count rows themselves (CSV).

Pure Python, no Django at import time: parsers stay pure. Refusals are `SpreadsheetRefused`
with a stable `code` and `params`; `describe` gives the Vietnamese message.
"""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

__all__ = [
    "CODES",
    "ImportLimits",
    "SpreadsheetRefused",
    "check_archive_directory",
    "check_package",
    "check_table_extent",
    "check_workbook",
    "describe",
    "refusal_messages",
]

_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra field length
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# A central directory entry is 46 bytes plus its name and extra fields; real packages average
# well under this, and it bounds how many entries zipfile will make objects of.
_DIRECTORY_BYTES_PER_MEMBER = 512
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


@dataclass(frozen=True)
class ImportLimits:
    """Caps for one imported file; `from_settings` reads the IMPORT_MAX_* settings."""

    max_rows: int = 20_000
    max_columns: int = 50
    max_uncompressed_bytes: int = 64 * 1024 * 1024  # all members of a package together
    max_compression_ratio: int = 100  # Excel's own sheets stay below 30
    max_members: int = 1_000

    @classmethod
    def current(cls) -> "ImportLimits":
        """The IMPORT_MAX_* settings inside the project, the defaults in a bare reader test."""
        from django.conf import settings

        return cls.from_settings() if settings.configured else cls()

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        from django.conf import settings

        return cls(
            max_rows=getattr(settings, "IMPORT_MAX_ROWS", cls.max_rows),
            max_columns=getattr(settings, "IMPORT_MAX_COLUMNS", cls.max_columns),
            max_uncompressed_bytes=getattr(
                settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", cls.max_uncompressed_bytes
            ),
            max_compression_ratio=getattr(
                settings, "IMPORT_MAX_COMPRESSION_RATIO", cls.max_compression_ratio
            ),
        )


@dataclass
class SpreadsheetRefused(Exception):
    """The file is refused before it is read: `code` is one of CODES, or "archive_damaged",
    which each reader reports as its own "not a readable workbook" error."""

    code: str
    params: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.code}: {self.params}"


# The refusals `describe` words; readers pass them on to the services unchanged.
CODES = ("too_many_rows", "too_many_columns", "archive_too_large")


def refusal_messages() -> dict[str, str]:
    """Code -> the refusal in the active language (Vietnamese source), `{name}` placeholders
    like `lms.core.table_messages`."""
    from django.utils.translation import gettext as _

    return {
        "too_many_rows": _("tệp có hơn {limit} dòng; hãy chia danh sách thành nhiều tệp nhỏ hơn"),
        "too_many_columns": _("tệp có hơn {limit} cột; hãy chỉ giữ các cột cần nhập rồi lưu lại"),
        "archive_too_large": _(
            "tệp .xlsx giải nén ra quá lớn hoặc nén bất thường (tối đa {limit_mb} MB); "
            "hãy mở bằng Excel, xóa các ô thừa và lưu lại"
        ),
    }


def describe(code: str, params: dict) -> str:
    return refusal_messages()[code].format(**params)


def check_table_extent(*, rows: int, columns: int, limits: ImportLimits) -> None:
    """Raise SpreadsheetRefused when a table reaches beyond the row or column cap."""
    if rows > limits.max_rows:
        raise SpreadsheetRefused("too_many_rows", {"limit": limits.max_rows})
    if columns > limits.max_columns:
        raise SpreadsheetRefused("too_many_columns", {"limit": limits.max_columns})


def check_workbook(data: bytes, *, limits: ImportLimits) -> None:
    """Raise SpreadsheetRefused unless every member of the XLSX package inflates within the caps
    (counted while inflating: headers are not trusted) and every worksheet stays within the row
    and column caps, by its declared dimension and by its cells. Holds one chunk at a time."""
    # Without xl/workbook.xml it is an .xlsb or .ods: sheets we cannot scan.
    check_package(data, limits=limits, required_member="xl/workbook.xml")


def check_package(
    data: bytes, *, limits: ImportLimits, required_member: str, scan_sheets: bool = True
) -> None:
    """`check_workbook` for any Office package (a Word .docx names "word/document.xml"): the
    same member, size, ratio and DTD checks; a worksheet part inside is held to the row caps.
    `scan_sheets=False` keeps the member, size, ratio and CRC checks for packages that are not
    Office documents (a SCORM package's HTML pages have a DOCTYPE and need not be XML)."""
    check_archive_directory(data, limits=limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # BytesIO shares, does not copy
            members = archive.infolist()
    # NotImplementedError: a member claims a ZIP version or feature zipfile does not read.
    except (
        zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, NotImplementedError
    ) as error:  # fmt: skip
        raise SpreadsheetRefused("archive_damaged", {}) from error
    if required_member not in {member.filename for member in members}:
        raise SpreadsheetRefused("archive_damaged", {})
    if len(members) > limits.max_members:
        raise SpreadsheetRefused("archive_too_large", _size_params(limits))
    if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
        raise SpreadsheetRefused("archive_too_large", _size_params(limits))
    budget = [limits.max_uncompressed_bytes]
    for member in members:
        _check_ratio(member.file_size, member.compress_size, limits)
        chunks = _inflate(data, member, budget, limits)
        if scan_sheets:
            _scan_sheet(chunks, limits)
        for _chunk in chunks:  # the rest of a part that is not a worksheet: size and CRC count
            pass


def check_archive_directory(data: bytes, *, limits: ImportLimits) -> None:
    """Refuse a ZIP whose central directory declares more members, or more bytes, than the
    member cap allows, before zipfile reads it: it makes one object per entry, and 100 000
    empty members (8 MB of ZIP) cost 55 MB and seconds. A directory that cannot be found is
    left to zipfile to call damaged."""
    try:
        end = zipfile._EndRecData(io.BytesIO(data))  # noqa: SLF001 - what ZipFile itself reads
    except (OSError, ValueError, struct.error):
        return
    if not end:
        return
    too_many = end[zipfile._ECD_ENTRIES_TOTAL] > limits.max_members  # noqa: SLF001
    too_long = end[zipfile._ECD_SIZE] > limits.max_members * _DIRECTORY_BYTES_PER_MEMBER  # noqa: SLF001
    if too_many or too_long:
        raise SpreadsheetRefused("archive_too_large", _size_params(limits))


def _size_params(limits: ImportLimits) -> dict:
    return {"limit_mb": limits.max_uncompressed_bytes // (1024 * 1024)}


def _check_ratio(size: int, compressed: int, limits: ImportLimits) -> None:
    # Tiny members (an empty sheet, a 1-byte file) can have any ratio and cost nothing.
    if size > _CHUNK and size > limits.max_compression_ratio * max(compressed, 1):
        raise SpreadsheetRefused("archive_too_large", _size_params(limits))


def _inflate(data: bytes, member: zipfile.ZipInfo, budget: list[int], limits) -> Iterator[bytes]:
    """The member's bytes, inflated here from its raw compressed bytes: the output is counted
    against `budget` as it comes, and must match the declared size and CRC at the end."""
    if member.flag_bits & 0x1 or member.compress_type not in _METHODS:
        raise SpreadsheetRefused("archive_damaged", {})  # encrypted, or a method Excel never uses
    header = data[member.header_offset : member.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise SpreadsheetRefused("archive_damaged", {})
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise SpreadsheetRefused("archive_damaged", {})
    start = member.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = memoryview(data)[start : start + member.compress_size]
    if len(raw) != member.compress_size:
        raise SpreadsheetRefused("archive_damaged", {})
    stream = _stored(raw) if member.compress_type == zipfile.ZIP_STORED else _deflated(raw)
    produced, crc = 0, 0
    for chunk in stream:
        produced += len(chunk)
        budget[0] -= len(chunk)
        if budget[0] < 0 or produced > member.file_size:
            # More than the header declared, or than all members may hold together: a lying
            # header or a bomb; calamine would have inflated all of it.
            raise SpreadsheetRefused("archive_too_large", _size_params(limits))
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if produced != member.file_size or crc != member.CRC:
        raise SpreadsheetRefused("archive_damaged", {})


def _stored(raw: memoryview) -> Iterator[bytes]:
    for start in range(0, len(raw), _CHUNK):
        yield raw[start : start + _CHUNK].tobytes()


def _deflated(raw: memoryview) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    position, pending = 0, b""
    try:
        while not inflater.eof:
            if not pending and position < len(raw):
                pending = raw[position : position + _CHUNK].tobytes()
                position += _CHUNK
            chunk = inflater.decompress(pending, _CHUNK)  # never more than one chunk at once
            pending = inflater.unconsumed_tail
            if not chunk and not pending and position >= len(raw):
                break
            if chunk:
                yield chunk
    except zlib.error as error:
        raise SpreadsheetRefused("archive_damaged", {}) from error
    if not inflater.eof:
        raise SpreadsheetRefused("archive_damaged", {})


def _scan_sheet(chunks: Iterator[bytes], limits: ImportLimits) -> None:
    """Follow a worksheet's rows and cells as they stream past, building no tree. A part is a
    worksheet by its root element, whatever its name (the workbook's relationships may point
    anywhere). Leaves `chunks` unread after a part that is not a worksheet."""
    extent = _SheetExtent(limits)
    parser = expat.ParserCreate()
    parser.StartElementHandler = extent.start
    # No spreadsheet part has a DTD: refusing it refuses entity expansion bombs with it.
    parser.StartDoctypeDeclHandler = _refuse_doctype
    fed = False
    try:
        for chunk in chunks:
            if not fed and not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                return  # an image or another binary part
            parser.Parse(chunk, False)
            fed = True
            if extent.is_sheet is False:
                return
        if fed:
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        # Parts that are not worksheets need not be well-formed (legacy VML drawings are not).
        if extent.is_sheet is not False:
            raise SpreadsheetRefused("archive_damaged", {}) from error


def _refuse_doctype(*args) -> None:
    raise SpreadsheetRefused("archive_damaged", {})


class _SheetExtent:
    """Parser handler: the furthest row and column a worksheet reaches, declared and cell by
    cell (rows and cells without a reference follow the previous one, as readers place them)."""

    def __init__(self, limits: ImportLimits):
        self.max_rows, self.max_columns = limits.max_rows, limits.max_columns
        self.limits = limits
        self.is_sheet: bool | None = None
        self.row = 0
        self.column = 0

    def start(self, tag: str, attrib: dict) -> None:
        if not self.is_sheet:
            if self.is_sheet is None:
                self.is_sheet = tag.rpartition(":")[2] == "worksheet"
            return
        name = tag.rpartition(":")[2]  # the namespace prefix, if any, is the document's choice
        if name == "c":
            row, column = _cell_position(attrib.get("r", ""))
            self.row = row or self.row
            self.column = column or self.column + 1
        elif name == "row":
            number = attrib.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 1
        elif name == "dimension":
            for corner in attrib.get("ref", "").split(":"):
                self._check(*_cell_position(corner))
            return
        else:
            return
        if self.row > self.max_rows or self.column > self.max_columns:
            self._check(self.row, self.column)

    def _check(self, row: int, column: int) -> None:
        check_table_extent(rows=row, columns=column, limits=self.limits)


def _cell_position(ref: str) -> tuple[int, int]:
    """("XFD1048576") -> (1048576, 16384); (0, 0) for anything that is not a cell reference."""
    match = _CELL_REF.fullmatch(ref.strip())
    if not match:
        return 0, 0
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), column
