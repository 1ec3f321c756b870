"""Question import/export formats (GIFT, Aiken, Word, Excel): pure Python, no Django models."""

from .aiken import parse_aiken
from .base import QUESTION_TYPES, TEXT_FORMATS, FormatError, ParsedQuestion, ParseResult
from .docx import parse_docx, write_docx
from .gift import parse_gift, write_gift
from .xlsx import parse_xlsx, write_xlsx

__all__ = [
    "QUESTION_TYPES",
    "TEXT_FORMATS",
    "FormatError",
    "ParseResult",
    "ParsedQuestion",
    "parse_aiken",
    "parse_docx",
    "parse_gift",
    "parse_xlsx",
    "write_docx",
    "write_gift",
    "write_xlsx",
]
