"""The TrueType fonts the project ships for PDFs (sign-in sheets, certificates).

reportlab's built-in Helvetica has no Vietnamese glyphs (ă, ơ, ư, ệ, ...), so every PDF we
generate embeds DejaVu Sans, shipped in lms/core/fonts/ so no system font is needed.

reportlab builds a new font subset for every document from the characters it happens to use,
which was most of the time it took to render a certificate. `SharedSubsetTTFont` instead starts
every document with the same first subset (ASCII plus the whole Vietnamese alphabet), so that
subset's PDF objects are built once per process and reused byte for byte. Characters outside it
still work: reportlab adds them as usual and their subset is built for that document.
"""

import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
# Every letter of Vietnamese in both cases, and the punctuation our PDFs print.
VIETNAMESE_CHARACTERS = "".join(dict.fromkeys(_VOWELS + _VOWELS.upper() + "đĐ" + "–—·…“”‘’№°"))


class _Dictionary(pdfdoc.PDFObject):
    """A PDF dictionary written as reportlab writes one (keys sorted, six entries a line),
    whose entries that are the same in every document were formatted once: only the entries
    naming this document's objects are formatted per document."""

    def __init__(self, constant: dict[str, bytes], **per_document):
        self.constant = constant
        self.per_document = per_document

    def format(self, document) -> bytes:
        entries = dict(self.constant)
        entries.update(_entries(self.per_document, document))
        lines = [entries[key] for key in sorted(entries)]
        if rl_config.pdfMultiLine:
            return b"<<\n" + b"\n ".join(lines) + b"\n>>"
        for index in reversed(range(6, len(lines), 6)):
            lines.insert(index, b"\n ")
        return b"<<\n" + b" ".join(lines) + b"\n>>"


class _FontDictionary(_Dictionary):
    __RefOnly__ = 1  # as reportlab's fonts: always an object of its own, never inline


def _entries(values: dict, document) -> dict[str, bytes]:
    """Each value's `/Key value` entry, formatted as reportlab formats dictionary entries."""
    return {
        key: pdfdoc.format(pdfdoc.PDFName(key), document) + b" " + pdfdoc.format(value, document)
        for key, value in values.items()
    }


@dataclass(frozen=True)
class _SubsetObjects:
    to_unicode: bytes  # Flate-compressed when the document compresses
    font_file: bytes  # the TrueType subset, Flate-compressed likewise
    font_file_length: int  # uncompressed size, the stream's /Length1
    descriptor: dict[str, bytes]  # the font descriptor's entries but the font file
    font: dict[str, bytes]  # the font's entries but its name and references


def _stream(content: bytes, compressed: bool, **entries) -> pdfdoc.PDFStream:
    dictionary = pdfdoc.PDFDictionary(entries)
    if compressed:
        # A /Filter already present tells reportlab the content is encoded: it is not redone.
        dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    return pdfdoc.PDFStream(dictionary=dictionary, content=content, filters=[])


class SharedSubsetTTFont(TTFont):
    """A TTFont whose subset objects are built once per process for each distinct subset."""

    def __init__(self, name: str, filename: str, seed: str = VIETNAMESE_CHARACTERS):
        super().__init__(name, filename)
        self._seed = seed
        self._seed_template = None

    def splitString(self, text, doc, encoding="utf-8"):  # noqa: N802 (reportlab's name)
        if doc not in self.state:
            # Every document starts from the same first subset, in the same order.
            self.state[doc] = self._seeded_state()
        return super().splitString(text, doc, encoding)

    def _seeded_state(self) -> TTFont.State:
        if self._seed_template is None:
            template = self.State(self._asciiReadable, self)
            self.state[template] = template
            super().splitString(self._seed, template)
            del self.state[template]
            self._seed_template = template
        template = self._seed_template
        state = self.State(self._asciiReadable, self)
        state.assignments = dict(template.assignments)
        state.subsets = [list(subset) for subset in template.subsets]
        state.nextCode = template.nextCode
        return state

    @lru_cache(maxsize=32)  # noqa: B019 (fonts live as long as the process)
    def _subset_objects(self, number: int, subset: tuple, compressed: bool) -> _SubsetObjects:
        base_font_name = self._base_font_name(number)
        to_unicode = makeToUnicodeCMap(base_font_name, list(subset)).encode("latin-1")
        font_file = self.face.makeSubset(list(subset))
        pack = zlib.compress if compressed else bytes
        face, document = self.face, pdfdoc.DummyDoc()
        descriptor = {
            "Type": pdfdoc.PDFName("FontDescriptor"),
            "Ascent": face.ascent,
            "CapHeight": face.capHeight,
            "Descent": face.descent,
            "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
            "FontBBox": pdfdoc.PDFArray(face.bbox),
            "FontName": pdfdoc.PDFName(base_font_name),
            "ItalicAngle": face.italicAngle,
            "StemV": face.stemV,
            "MissingWidth": face.defaultWidth,
        }
        font = {
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("TrueType"),
            "BaseFont": pdfdoc.PDFName(base_font_name),
            "FirstChar": 0,
            "LastChar": len(subset) - 1,
            "Widths": pdfdoc.PDFArray([face.getCharWidth(code) for code in subset]),
        }
        return _SubsetObjects(
            to_unicode=pack(to_unicode),
            font_file=pack(font_file),
            font_file_length=len(font_file),
            descriptor=_entries(descriptor, document),
            font=_entries(font, document),
        )

    def _base_font_name(self, number: int) -> str:
        face = self.face
        return (b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX))).decode("pdfdoc")

    def addObjects(self, doc):  # noqa: N802 (reportlab's name)
        """TTFont.addObjects, with each subset's widths, CMap and font file from the cache."""
        state = self.state.get(doc) or self.State(self._asciiReadable)
        self.state[doc] = state
        state.frozen = 1
        face = self.face
        fonts = doc.idToObject["BasicFonts"].dict
        for number, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(number, doc)[1:]
            base_font_name = self._base_font_name(number)
            parts = self._subset_objects(number, tuple(subset), bool(doc.compression))

            font_file = _stream(parts.font_file, doc.compression, Length1=parts.font_file_length)
            descriptor = _Dictionary(
                parts.descriptor,
                FontFile2=doc.Reference(font_file, f"fontFile:{face.filename}({base_font_name})"),
            )
            to_unicode = _stream(parts.to_unicode, doc.compression)
            pdf_font = _FontDictionary(
                parts.font,
                Name=pdfdoc.PDFName(internal_name),
                ToUnicode=doc.Reference(to_unicode, f"toUnicodeCMap:{base_font_name}"),
                FontDescriptor=doc.Reference(descriptor, f"fontDescriptor:{base_font_name}"),
            )
            doc.Reference(pdf_font, internal_name)
            fonts[internal_name] = pdf_font
        del self.state[doc]


@cache
def register_fonts() -> tuple[str, str]:
    """Register the shipped fonts with reportlab (once per process); return (regular, bold)."""
    pdfmetrics.registerFont(SharedSubsetTTFont(REGULAR, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(SharedSubsetTTFont(BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )
    return REGULAR, BOLD
