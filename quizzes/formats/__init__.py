"""Question import/export formats (GIFT, Aiken): pure Python, no Django."""

from .aiken import parse_aiken
from .base import QUESTION_TYPES, TEXT_FORMATS, FormatError, ParsedQuestion, ParseResult
from .gift import parse_gift, write_gift

__all__ = [
    "QUESTION_TYPES",
    "TEXT_FORMATS",
    "FormatError",
    "ParseResult",
    "ParsedQuestion",
    "parse_aiken",
    "parse_gift",
    "write_gift",
]
