"""The certificate's QR encoder makes exactly the symbol segno makes for the same content."""

import io
import re

import pypdf
import pytest
import segno
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.certificates.pdf import CertificateLayout, render_certificate
from courses.certificates.qr import MASK, qr_rows


def _segno_rows(content: str) -> list[bytes]:
    return [bytes(row) for row in segno.make(content, error="m", micro=False, mask=MASK).matrix]


@pytest.mark.parametrize(
    "content",
    [
        "https://daotao.example.vn/verify/ABCDE00001/",
        "https://daotao.example.vn/verify/ABCDE00001/?p=" + "eyJ2IjoxLCJjIjoiQUJDREUwMDAwMSJ9" * 12,
        "https://x.vn/" + "a" * 1500,  # version 31: version information and many blocks
        "0123456789",  # numeric mode, left to segno
        "HTTPS://X.VN/VERIFY/ABC",  # alphanumeric mode, left to segno
        "Nguyễn Thị Hồng Nhung",  # not Latin-1: UTF-8, left to segno
        "a",
    ],
)
def test_symbol_matches_segno(content):
    assert qr_rows(content) == _segno_rows(content)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.characters(max_codepoint=0x1EF9), min_size=1, max_size=400))
def test_any_text_matches_segno(content):
    assert qr_rows(content) == _segno_rows(content)


def test_content_too_long_for_any_version_is_refused_like_segno():
    content = "a" * 3000
    with pytest.raises(segno.DataOverflowError):
        segno.make(content, error="m", micro=False, mask=MASK)
    with pytest.raises(segno.DataOverflowError):
        qr_rows(content)


def test_pdf_draws_every_dark_module_of_the_symbol():
    layout = CertificateLayout(
        title_vi="GIẤY CHỨNG NHẬN",
        title_en="CERTIFICATE",
        issuer_name="Sở Khoa học và Công nghệ",
        signatory_name="Nguyễn Văn Bình",
        signatory_title="Giám đốc",
    )
    url = "https://daotao.example.vn/verify/ABCDE00001/"
    content = url + "?p=payload.signature"
    pdf = render_certificate(
        layout=layout,
        language="vi",
        full_name="Đỗ Văn Khánh",
        agency_name="Sở Tư pháp",
        course_title="Nhận thức về TCVN ISO 9001:2015",
        track="awareness",
        edition="9001:2015",
        issued_on="26/11/2026",
        expires_on="",
        code="ABCDE00001",
        display_code="ABCDE-00001",
        verify_url=url,
        qr_content=content,
    )
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert "Đỗ Văn Khánh" in page.extract_text()
    stream = page.get_contents().get_data().decode("latin-1")
    rows = _segno_rows(content)
    drawn = {
        (int(x) - 4, len(rows) + 3 - int(y), int(length))
        for x, y, length in re.findall(r"^(\d+) (\d+) (\d+) 1 re$", stream, re.MULTILINE)
    }
    expected = {
        (run.start(), row_index, run.end() - run.start())
        for row_index, row in enumerate(rows)
        for run in re.finditer(rb"\x01+", row)
    }
    assert drawn == expected


def _byte_capacity(version: int, level: int) -> int:
    """The most bytes a symbol of this version and level holds in byte mode."""
    from segno import consts
    from segno.encoder import version_range

    count_bits = consts.CHAR_COUNT_INDICATOR_LENGTH[consts.MODE_BYTE][version_range(version)]
    return (consts.SYMBOL_CAPACITY[version][level] - 4 - count_bits) // 8


def _edge_lengths() -> list[int]:
    from segno import consts

    lengths = set()
    for version in (1, 2, 6, 7, 9, 10, 13, 26, 27, 40):
        for level in (consts.ERROR_LEVEL_M, consts.ERROR_LEVEL_Q, consts.ERROR_LEVEL_H):
            capacity = _byte_capacity(version, level)
            lengths.update(n for n in (capacity - 1, capacity, capacity + 1) if n > 0)
    return sorted(n for n in lengths if n <= _byte_capacity(40, consts.ERROR_LEVEL_M))


@pytest.mark.parametrize("length", _edge_lengths())
def test_contents_at_the_edge_of_a_version_or_level_match_segno(length):
    # Byte mode (lower case, Latin-1 letters): full symbols, a stream ending on a byte
    # boundary, no room for the terminator, the last length before the next version.
    content = ("https://x.vn/é?" + "aZ9~ñ" * length)[:length]
    assert qr_rows(content) == _segno_rows(content)


def test_empty_text_is_handled_as_segno_handles_it():
    try:
        expected = _segno_rows("")
    except Exception as error:  # noqa: BLE001 - whatever segno does, the encoder does too
        with pytest.raises(type(error)):
            qr_rows("")
    else:
        assert qr_rows("") == expected
