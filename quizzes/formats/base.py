"""Shapes shared by the question-format parsers and writers.

Pure Python on purpose: the import command and the admin views turn these dataclasses into
model rows, and the parsers stay testable on plain files without Django.
"""

import re
import unicodedata
from dataclasses import dataclass, field

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "essay",
    "description",
)

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")

# Moodle keeps question names to 255 characters and derives a missing one from the text.
NAME_MAX_LENGTH = 255
DEFAULT_NAME_LENGTH = 60
DEFAULT_NAME = "Question"

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")


@dataclass
class ParsedQuestion:
    qtype: str
    name: str
    text: str
    text_format: str = "moodle"
    category: str = ""
    answers: list[dict] = field(default_factory=list)
    general_feedback: str = ""
    default_mark: float = 1.0
    line: int = 0
    category_line: int = 0  # the $CATEGORY line that set `category`; 0 when none did


@dataclass
class FormatError:
    line: int
    message: str
    # Where a person finds it in the file, when a line number would not say: "Câu 3" (Word,
    # by question number), "dòng 7" (Excel sheet row). Empty: the line number says it.
    where: str = ""

    def __post_init__(self):
        # Messages may be lazy (GIFT, Aiken); an error carries the text in the active language.
        self.message = str(self.message)
        self.where = str(self.where)

    @property
    def location(self) -> str:
        """What follows "FILE:" in a located error: `where`, or the line number."""
        return self.where or str(self.line)


@dataclass
class ParseResult:
    questions: list[ParsedQuestion]
    errors: list[FormatError]


def source_lines(text: str) -> list[str]:
    """Split a file's text into lines after dropping a BOM, unifying line ends and NFC-normalising.

    Normalising here, once, means every name, text and answer the parsers return is NFC, so
    Vietnamese typed on a Mac (NFD) compares equal to the same words typed on Windows.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).split("\n")


def default_name(text: str, text_format: str = "moodle") -> str:
    """Name for a question without a title: its text without markup, cut to 60 characters."""
    if text_format != "plain":
        text = _TAG_RE.sub(" ", text)
    plain = _SPACE_RE.sub(" ", text).strip()
    return plain[:DEFAULT_NAME_LENGTH].strip() or DEFAULT_NAME


def shorten(text: str, length: int = 40) -> str:
    """A piece of user text short enough to quote inside an error message."""
    text = _SPACE_RE.sub(" ", text).strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def translate(message: str) -> str:
    """The Vietnamese source message in the active language when Django runs, as is otherwise.

    Imported as `_` by the Word and Excel readers, so the catalogue picks their messages up
    while the readers stay importable and testable without Django.
    """
    try:
        from django.conf import settings
        from django.utils.translation import gettext
    except ImportError:  # pragma: no cover - Django is always installed here
        return message
    return gettext(message) if settings.configured else message


class _Lazy(str):
    """A message translated when it is used: module constants of the GIFT and Aiken readers
    are defined at import, before a request picks the language. `format` and `str` give the
    text in the active language."""

    def __str__(self):
        return translate(str.__str__(self))

    def format(self, *args, **kwargs):
        return str(self).format(*args, **kwargs)


def translate_lazy(message: str) -> str:
    """Imported as `gettext_lazy` by the GIFT and Aiken readers, so the catalogue picks their
    messages up."""
    return _Lazy(message)
