import unicodedata

import pytest

from lms.core.text import given_name, nfc, vietnamese_sort_key


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_nfc_normalises_trims_and_collapses_whitespace():
    assert nfc(nfd("  Nguyễn \t Thị\u00a0 Ngọc\nÁnh  ")) == "Nguyễn Thị Ngọc Ánh"
    assert unicodedata.is_normalized("NFC", nfc(nfd("Trương Quỳnh Hương")))


@pytest.mark.parametrize("empty", [None, "", "   \n"])
def test_nfc_of_nothing_is_empty(empty):
    assert nfc(empty) == ""


def test_given_name_is_the_last_word():
    assert given_name("  Nguyễn  Văn Đức ") == "Đức"
    assert given_name(nfd("Phạm Thị Ánh")) == "Ánh"
    assert given_name("Thư") == "Thư"
    assert given_name("") == ""


def test_sorts_by_given_name_then_family_and_middle_names():
    names = ["Nguyễn Văn Đức", "Trần Thị Anh", "Lê Văn Dũng", "Phạm Thị Ánh"]

    assert sorted(names, key=vietnamese_sort_key) == [
        "Trần Thị Anh",
        "Phạm Thị Ánh",
        "Lê Văn Dũng",
        "Nguyễn Văn Đức",
    ]


def test_same_given_name_sorts_by_family_then_middle_name():
    names = ["Trần Văn Minh", "Nguyễn Văn Minh", "Nguyễn Thị Minh", "Đặng Minh"]

    assert sorted(names, key=vietnamese_sort_key) == [
        "Đặng Minh",
        "Nguyễn Thị Minh",
        "Nguyễn Văn Minh",
        "Trần Văn Minh",
    ]


def test_nfd_input_sorts_like_nfc():
    names = ["Nguyễn Văn Đức", "Trần Thị Anh", "Lê Văn Dũng", "Phạm Thị Ánh", "Hồ Ân", "Vũ Ăn"]
    expected = sorted(names, key=vietnamese_sort_key)

    assert sorted(map(nfd, names), key=vietnamese_sort_key) == [nfd(n) for n in expected]
    assert vietnamese_sort_key(nfd("Phạm Thị Ánh")) == vietnamese_sort_key("Phạm Thị Ánh")


def test_vietnamese_letter_order():
    words = ["y", "x", "v", "ư", "u", "ơ", "ô", "o", "đ", "d", "ê", "e", "â", "ă", "a", "b"]

    assert sorted(words, key=vietnamese_sort_key) == [
        "a", "ă", "â", "b", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư", "v", "x", "y",
    ]  # fmt: skip


def test_tone_order_ngang_huyen_hoi_nga_sac_nang():
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=vietnamese_sort_key) == [
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
    ]


def test_letters_outrank_tones():
    # "ạn" differs only by tone from "an", but "anh" has another letter, and "ăn" another vowel.
    assert sorted(["ăn", "anh", "ạn", "an"], key=vietnamese_sort_key) == ["an", "ạn", "anh", "ăn"]
    # Tone of the given name outranks letters of the family name.
    assert sorted(["An Ánh", "Ý Anh"], key=vietnamese_sort_key) == ["Ý Anh", "An Ánh"]


def test_sort_ignores_case_and_extra_spaces():
    assert vietnamese_sort_key("NGUYỄN VĂN ĐỨC")[:2] == vietnamese_sort_key(" nguyễn  văn đức")[:2]
    assert sorted(["bình", "An", "ĐÔNG", "dũng"], key=vietnamese_sort_key) == [
        "An",
        "bình",
        "dũng",
        "ĐÔNG",
    ]


def test_eth_typed_for_d_with_stroke_sorts_as_d_with_stroke():
    assert vietnamese_sort_key("Ðức")[:2] == vietnamese_sort_key("Đức")[:2]


def test_middle_names_decide_before_the_raw_text():
    # Same family and given name: the middle name orders them (văn < xuân), whatever the case;
    # the raw text ("X" < "v" in code points) would give the opposite order.
    names = ["Nguyễn Xuân An", "Nguyễn văn An", "Nguyễn Văn Bá An"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Nguyễn văn An",
        "Nguyễn Văn Bá An",
        "Nguyễn Xuân An",
    ]


def test_digits_and_hyphens_sort_before_letters():
    names = ["Trần AnhA", "Trần Anh2", "Trần Anh", "Trần Anh-B"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Trần Anh",
        "Trần Anh-B",
        "Trần Anh2",
        "Trần AnhA",
    ]


def test_an_empty_name_sorts_first_with_an_empty_key():
    assert vietnamese_sort_key(None) == vietnamese_sort_key("") == (((), ()), (), "")
    assert sorted(["An", "", "Ă"], key=vietnamese_sort_key) == ["", "An", "Ă"]


@pytest.mark.parametrize("odd", ["\u0306An", "1\u0302", "-\u0306x", "A\u0308n"])
def test_stray_marks_change_no_letter(odd):
    # A letter mark with no letter before it, or after a digit, and a foreign diaeresis.
    letters, _tones = vietnamese_sort_key(odd)[0]
    plain = "".join(ch for ch in odd if not unicodedata.combining(ch))
    assert letters == vietnamese_sort_key(plain)[0][0]
