"""Vietnamese text helpers: normalisation and the sort order of Vietnamese name lists.

Pure Python on purpose: the roster readers and the Django layer both use it.
"""

import unicodedata

__all__ = [
    "given_name",
    "nfc",
    "vietnamese_slug",
    "vietnamese_sort_key",
    "vietnamese_title_key",
]

# Vietnamese alphabet order. f, j, w, z are not Vietnamese letters but appear in foreign and
# ethnic-minority names; they keep their Latin place so such names still sort predictably.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}

# Marks that make a different letter (ă, â, ê, ô, ơ, ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}

# Dictionary tone order: ngang (no mark) < huyền < hỏi < ngã < sắc < nặng.
_TONE_RANK = {
    "\u0300": 1,  # huyền (grave)
    "\u0309": 2,  # hỏi (hook above)
    "\u0303": 3,  # ngã (tilde)
    "\u0301": 4,  # sắc (acute)
    "\u0323": 5,  # nặng (dot below)
}

# Legacy encodings and hand-typed lists often use the Icelandic eth for Đ; they mean Đ.
_LOOKALIKES = str.maketrans({"ð": "đ"})


def nfc(text: str | None) -> str:
    """NFC-normalise, trim and collapse internal whitespace; None becomes ""."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def given_name(full_name: str | None) -> str:
    """The given name (tên): the last word of a Vietnamese full name."""
    words = nfc(full_name).split(" ")
    return words[-1]


def _word_key(word: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """(letters, tones) of one word, so letters decide first and tones break ties."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", word.casefold().translate(_LOOKALIKES)):
        if char in _TONE_RANK:
            tones.append(_TONE_RANK[char])
        elif unicodedata.combining(char):
            if char in _LETTER_MARKS and letters:
                # Re-rank the previous base letter as the letter this mark makes (a + ̆ = ă).
                base = _ALPHABET[letters[-1][1]] if letters[-1][0] == 1 else ""
                composed = unicodedata.normalize("NFC", base + char)
                if composed in _LETTER_RANK:
                    letters[-1] = (1, _LETTER_RANK[composed])
            # Other marks (foreign diacritics) do not change the order.
        elif char in _LETTER_RANK:
            letters.append((1, _LETTER_RANK[char]))
        else:
            # Digits, hyphens and other scripts sort before letters, by code point.
            letters.append((0, ord(char)))
    return tuple(letters), tuple(tones)


def vietnamese_sort_key(full_name: str | None) -> tuple:
    """Sort key for Vietnamese full names, as class lists and registers are ordered.

    Names sort by given name (last word) first, then by family and middle names word by word.
    Each word compares by letters in Vietnamese alphabet order (d < đ, o < ô < ơ), then by tone
    (ngang < huyền < hỏi < ngã < sắc < nặng); case is ignored. NFC and NFD input give the same
    key. The NFC text is the last element so that the order is total and stable.
    """
    text = nfc(full_name)
    words = text.split(" ") if text else [""]
    return (
        _word_key(words[-1]),
        tuple(_word_key(word) for word in words[:-1]),
        text,
    )


def vietnamese_title_key(title: str | None) -> tuple:
    """Sort key for names read from their first word: agencies, courses, places.

    Same letter and tone order as `vietnamese_sort_key` (Đ after D, before E), but word by word
    as written: "Sở Tư pháp" sorts under S, where a person's name would sort by its given name.
    """
    text = nfc(title)
    return tuple(_word_key(word) for word in text.split(" ")), text


# Letters that no combining mark removes: NFKD leaves đ whole, so it needs its own mapping.
_SLUG_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def vietnamese_slug(text: str | None) -> str:
    """An ASCII web address part: "Chuyển đổi số" -> "chuyen-doi-so".

    Tone and letter marks are dropped and đ becomes d (Django's slugify drops đ altogether and
    the admin's script writes "dj"); anything else that is not a letter or digit is a hyphen.
    """
    text = nfc(text).translate(_SLUG_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(char if char.isalnum() else " " for char in ascii_text.lower()).split()
    return "-".join(words)
