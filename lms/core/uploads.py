"""One gate for every uploaded file: allowed extension, size cap, content matching the name.

Parsers downstream give located errors for bad rows; this module only refuses files that are
not what they claim to be, before a single byte is parsed or stored.
"""

import zipfile
from pathlib import Path, PurePath

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
TEXT_EXTENSIONS = frozenset({".csv", ".txt", ".gift"})
# A UTF-16 file is text full of NUL bytes; the readers explain how to re-save it.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SNIFF_BYTES = 64 * 1024


def _peek(file, size: int | None = None) -> bytes:
    file.seek(0)
    data = file.read() if size is None else file.read(size)
    file.seek(0)
    return data


# An Office file is a ZIP package whose manifest names its main part; anything else would only
# fail deeper inside openpyxl or python-docx with a message nobody can act on.
PACKAGE_MAIN_PART = {".xlsx": "xl/workbook.xml", ".docx": "word/document.xml"}


def _is_package(file, main_part: str) -> bool:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and main_part in names


def _is_xlsx(file) -> bool:
    return _is_package(file, PACKAGE_MAIN_PART[".xlsx"])


def check_upload(file, *, allowed=(".csv", ".xlsx"), max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise ValidationError (Vietnamese, naming the problem) unless the upload is acceptable.

    The file position is left at the start so callers can read it normally.
    """
    name = PurePath(getattr(file, "name", "") or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in allowed:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng loại; chỉ nhận tệp %(allowed)s.")
            % {"name": name, "allowed": ", ".join(allowed)},
            code="extension",
        )
    if file.size > max_bytes:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size)s); tối đa %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(file.size),
                "max": filesizeformat(max_bytes),
            },
            code="size",
        )
    if suffix == ".xlsx" and not _is_xlsx(file):
        raise ValidationError(
            _(
                "Tệp “%(name)s” không phải bảng tính Excel (.xlsx) hợp lệ. "
                "Hãy mở tệp bằng Excel và lưu lại dạng .xlsx hoặc .csv."
            )
            % {"name": name},
            code="content",
        )
    if suffix == ".docx" and not _is_package(file, PACKAGE_MAIN_PART[".docx"]):
        raise ValidationError(
            _(
                "Tệp “%(name)s” không phải tài liệu Word (.docx) hợp lệ. "
                "Hãy mở tệp bằng Word và lưu lại dạng .docx."
            )
            % {"name": name},
            code="content",
        )
    if suffix in TEXT_EXTENSIONS:
        head = _peek(file, SNIFF_BYTES)
        if b"\x00" in head and not head.startswith(UTF16_BOMS):
            raise ValidationError(
                _("Tệp “%(name)s” không phải tệp văn bản; hãy lưu lại dạng văn bản UTF-8.")
                % {"name": name},
                code="content",
            )
    file.seek(0)


def read_import_file(file: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a file named on an import command's line, with the upload forms' size cap:
    its size is checked before a byte is read. CommandError names the problem."""
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"{path}: file not found")
    size = path.stat().st_size
    if size > max_bytes:
        raise CommandError(f"{path}: {size} bytes; an import file is at most {max_bytes} bytes")
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: cannot read ({error.strerror})") from error
