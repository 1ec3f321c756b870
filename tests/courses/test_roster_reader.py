import datetime
import io
import struct
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from courses.learning.roster_reader import (
    MESSAGES,
    MSG_DUPLICATE_EMAIL,
    RosterRow,
    RowError,
    read_roster,
)

FILES = Path(__file__).parent / "files"


def read(name: str, **kwargs):
    return read_roster((FILES / name).read_bytes(), name, **kwargs)


def errors_of(result) -> list[tuple[int, str]]:
    return [(error.row, error.message) for error in result.errors]


def test_utf8_with_bom_and_vietnamese_headers():
    result = read("roster_bom.csv")

    assert result.errors == []
    assert result.rows == [
        RosterRow(
            row=2,
            full_name="Nguyễn Văn An",
            email="an.nguyen@sonoivu.hanoi.gov.vn",
            agency="Sở Nội vụ Hà Nội",
            position="Chuyên viên",
            phone="0912345678",
        ),
        RosterRow(
            row=3,
            full_name="Trần Thị Bình",
            email="binh.tt@ubnd.vn",
            agency="UBND phường Ba Đình",
            position="Phó Chủ tịch",
            phone="0912345679",
        ),
        RosterRow(
            row=4,
            full_name="Lê Hoàng Đức",
            email="duc.lh@ubnd.vn",
            agency="UBND phường Ba Đình",
            position="",
            phone="+84912345680",
        ),
    ]


def test_utf8_without_bom_and_short_vietnamese_headers():
    result = read("roster_nobom.csv")

    assert result.errors == []
    assert [(r.row, r.full_name, r.email, r.agency, r.position, r.phone) for r in result.rows] == [
        (2, "Phạm Thị Ánh", "anh.pt@stc.gov.vn", "Sở Tài chính", "Kế toán viên", "0987654321"),
        (3, "Võ Minh Khoa", "khoa.vm@stc.gov.vn", "Sở Tài chính", "Trưởng phòng", ""),
    ]


def test_semicolon_separated_with_headers_without_diacritics():
    result = read("roster_semicolon.csv")

    assert result.errors == []
    assert [(r.full_name, r.email, r.agency, r.phone) for r in result.rows] == [
        ("Đặng Quốc Hùng", "hung.dq@sxd.gov.vn", "Sở Xây dựng, Hà Nội", "0903111222"),
        ("Bùi Thu Hà", "ha.bt@sxd.gov.vn", "Sở Xây dựng, Hà Nội", "0903111333"),
    ]


def test_windows_1258_file_is_refused_with_the_offending_byte():
    result = read("roster_cp1258.csv")

    assert result.rows == []
    assert errors_of(result) == [
        (0, "the file is not UTF-8 encoded (byte 0xF2 at position 2); save it as CSV UTF-8")
    ]
    assert result.errors[0].code == "not_utf8"
    assert result.errors[0].params == {"byte": "0xF2", "position": 2, "line": 1}


def test_latin1_byte_position_counts_the_bom():
    data = "\ufeffHọ và tên,Email\n".encode() + "Lê Văn Cường,c@ubnd.vn\n".encode(
        "cp1252", "replace"
    )

    result = read_roster(data, "roster.csv")

    assert result.errors[0].code == "not_utf8"
    assert result.errors[0].params["byte"] == "0xEA"
    assert data[result.errors[0].params["position"]] == 0xEA
    assert result.errors[0].params["line"] == 2


def test_utf16_file_is_refused():
    result = read("roster_utf16.csv")

    assert result.rows == []
    assert [(e.row, e.code) for e in result.errors] == [(0, "utf16")]
    assert "save it as CSV UTF-8" in result.errors[0].message


def test_xlsx_header_below_title_rows_and_phone_numbers_stored_as_numbers():
    result = read("roster_title_rows.xlsx")

    assert result.errors == []
    # Header on row 4; row 7 is blank inside the list.
    assert [(r.row, r.full_name, r.email, r.agency, r.phone) for r in result.rows] == [
        (5, "Nguyễn Văn An", "an.nv@ubnd.vn", "UBND xã Đông Anh", "0912345678"),
        (6, "Trần Thị Bình", "binh.tt@ubnd.vn", "UBND xã Đông Anh", "0987000111"),
        (8, "Lê Hoàng Đức", "duc.lh@ubnd.vn", "UBND xã Mê Linh", "02439876543"),
        (9, "Phạm Thị Ánh", "anh.pt@ubnd.vn", "UBND xã Mê Linh", "0987654321"),
    ]
    assert result.rows[2].position == ""


def test_xlsx_with_english_headers_ignores_unknown_columns():
    result = read("roster_english_headers.xlsx")

    assert [(r.row, r.full_name, r.agency, r.position, r.phone) for r in result.rows] == [
        (2, "Đỗ Thanh Tùng", "Văn phòng UBND tỉnh", "Specialist", "0912000111"),
        (3, "Mai Anh Thư", "Văn phòng UBND tỉnh", "Head of division", "+84912000222"),
    ]
    assert errors_of(result) == [(4, 'invalid e-mail "not-an-email"')]
    assert result.errors[0].code == "invalid_email"
    assert result.errors[0].params == {"email": "not-an-email"}


def test_duplicate_emails_are_reported_on_the_later_rows():
    result = read("roster_duplicates.csv")

    assert [r.row for r in result.rows] == [2, 3, 5]
    assert errors_of(result) == [
        (4, "duplicate e-mail an.nv@ubnd.vn, first seen on row 2"),
        (6, "duplicate e-mail an.nv@ubnd.vn, first seen on row 2"),
    ]
    assert result.errors[0] == RowError(
        row=4,
        message=MSG_DUPLICATE_EMAIL.format(email="an.nv@ubnd.vn", first_row=2),
        code="duplicate_email",
        params={"email": "an.nv@ubnd.vn", "first_row": 2},
    )


def test_blank_rows_are_skipped_and_missing_values_named():
    result = read("roster_blanks.csv")

    assert [(r.row, r.full_name, r.agency) for r in result.rows] == [
        (2, "Nguyễn Văn An", "UBND xã A"),
        (10, "Hoàng Thị Em", ""),
    ]
    assert errors_of(result) == [
        (5, "missing value in column Họ và tên"),
        (6, "missing value in column Email"),
        (7, 'invalid e-mail "dung.pv@@ubnd.vn"'),
    ]
    assert [e.code for e in result.errors] == ["missing_value", "missing_value", "invalid_email"]


def test_nfd_names_and_headers_come_out_nfc():
    raw = (FILES / "roster_nfd.csv").read_bytes().decode()
    assert raw != unicodedata.normalize("NFC", raw)  # the file really is NFD

    result = read("roster_nfd.csv")

    assert result.errors == []
    assert [r.full_name for r in result.rows] == ["Nguyễn Thị Ngọc Ánh", "Trương Quỳnh Hương"]
    for row in result.rows:
        assert unicodedata.is_normalized("NFC", row.full_name)
        assert row.agency == "Ủy ban nhân dân xã Phước Hưng"


def test_missing_required_column_is_reported_on_the_header_row():
    result = read("roster_missing_column.csv")

    assert result.rows == []
    assert errors_of(result) == [(1, "missing column: Email")]
    assert result.errors[0].code == "missing_column"


def test_required_columns_can_be_chosen_by_the_caller():
    result = read("roster_missing_column.csv", required=("full_name",))

    assert result.errors == []
    assert [(r.full_name, r.email, r.agency) for r in result.rows] == [
        ("Nguyễn Văn An", "", "UBND xã A")
    ]

    result = read("roster_nobom.csv", required=("full_name", "email", "phone"))

    assert errors_of(result) == [(3, "missing value in column Điện thoại")]


def test_missing_full_name_column_names_both_languages():
    result = read_roster(b"STT,Email\n1,a@ubnd.vn\n", "roster.csv")

    assert errors_of(result) == [(1, "missing column: Họ và tên / Full name")]


@pytest.mark.parametrize(
    ("name", "code", "row"),
    [
        ("empty.csv", "empty_file", 0),
        ("roster_header_only.csv", "no_data_rows", 1),
        ("not_a_spreadsheet.xlsx", "not_xlsx", 0),
    ],
)
def test_unreadable_or_empty_files_give_one_clear_error(name, code, row):
    result = read(name)

    assert result.rows == []
    assert [(e.row, e.code) for e in result.errors] == [(row, code)]


def test_unsupported_extension():
    result = read_roster(b"anything", "roster.xls")

    assert errors_of(result) == [(0, 'unsupported file type ".xls"; upload a .csv or .xlsx file')]


def test_csv_without_recognised_header():
    result = read_roster("Tên,Thư\nAn,a@ubnd.vn\n".encode(), "roster.csv")

    assert [(e.row, e.code) for e in result.errors] == [(0, "no_header")]


def test_workbook_uploaded_with_csv_extension():
    result = read_roster((FILES / "roster_english_headers.xlsx").read_bytes(), "roster.csv")

    assert [(e.row, e.code) for e in result.errors] == [(0, "csv_is_workbook")]


def test_tab_separated_with_quoted_multiline_cell_keeps_line_numbers():
    data = 'Họ và tên\tEmail\n"Nguyễn\nVăn An"\tan@ubnd.vn\nTrần Bình\tAN@ubnd.vn\n'.encode()

    result = read_roster(data, "roster.csv")

    assert [(r.row, r.full_name) for r in result.rows] == [(2, "Nguyễn Văn An")]
    assert errors_of(result) == [(4, "duplicate e-mail an@ubnd.vn, first seen on row 2")]


def test_every_message_formats_from_its_params():
    for path in sorted(FILES.iterdir()):
        for error in read_roster(path.read_bytes(), path.name).errors:
            assert error.message == MESSAGES[error.code].format(**error.params)


def test_five_thousand_row_xlsx_reads_every_row():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["DANH SÁCH HỌC VIÊN"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Email", "Đơn vị", "Chức vụ", "Số điện thoại"])
    for i in range(5000):
        sheet.append(
            [i + 1, f"Học Viên {i}", f"hv{i}@ubnd.vn", "UBND xã A", "Công chức", 912000000 + i]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = read_roster(buffer.getvalue(), "big.xlsx")  # its speed is measured by `make bench`

    assert result.errors == []
    assert len(result.rows) == 5000
    assert result.rows[-1].row == 5003
    assert result.rows[-1].phone == "0912004999"


def test_csv_with_an_unterminated_huge_quoted_cell():
    data = b'Full name,Email\n"' + b"x" * 200_000 + b"\n"

    result = read_roster(data, "roster.csv")

    assert [(e.row, e.code, e.params) for e in result.errors] == [
        (0, "csv_unreadable", {"line": 2})
    ]


def _member_data_offset(data: bytes, name: str) -> int:
    """Where the (compressed) bytes of one archive member start."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_length + extra_length


def test_xlsx_damaged_in_transit_is_refused_not_misread():
    data = bytearray((FILES / "roster_title_rows.xlsx").read_bytes())
    # One bit flipped in the compressed worksheet still inflates, into other text: Trần Thị
    # Bình's phone would read 0987010111 instead of 0987000111. Only the checksum tells.
    data[_member_data_offset(data, "xl/worksheets/sheet1.xml") + 343] ^= 8

    result = read_roster(bytes(data), "roster_title_rows.xlsx")

    assert result.rows == []
    assert [(e.row, e.code) for e in result.errors] == [(0, "not_xlsx")]


def test_xlsx_reads_the_first_worksheet_after_a_chart_sheet():
    from openpyxl.chart import BarChart

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Email"])
    sheet.append(["Trần Thị Bình", "binh.tt@ubnd.vn"])
    workbook.create_chartsheet("Biểu đồ", 0).add_chart(BarChart())
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = read_roster(buffer.getvalue(), "roster.xlsx")

    assert result.errors == []
    assert [(r.row, r.full_name, r.email) for r in result.rows] == [
        (2, "Trần Thị Bình", "binh.tt@ubnd.vn")
    ]


def test_xlsx_without_any_cells_is_empty():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)

    result = read_roster(buffer.getvalue(), "roster.XLSX")

    assert [(e.row, e.code) for e in result.errors] == [(0, "empty_file")]


def test_utf16_is_recognised_by_its_bom_or_a_nul_in_the_first_4096_bytes():
    # Vietnamese letters only: UTF-16 without a single NUL byte, so the BOM alone tells.
    little_endian = b"\xff\xfe" + "ệọầữỹ".encode("utf-16-le")
    assert b"\x00" not in little_endian
    for data in (little_endian, b"a" * 4095 + b"\x00"):
        assert [(e.row, e.code) for e in read_roster(data, "a.csv").errors] == [(0, "utf16")]
    late_nul = read_roster(b"a" * 4096 + b"\x00", "a.csv")
    assert "utf16" not in [e.code for e in late_nul.errors]


def test_icelandic_eth_in_a_header_reads_as_d_with_stroke():
    result = read_roster("Họ và tên,Email,Ðơn vị\nAn,an@ubnd.vn,Sở Tư pháp\n".encode(), "a.csv")
    assert result.errors == []
    assert result.rows[0].agency == "Sở Tư pháp"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (912345678.0, "912345678"),
        (1.5, "1.5"),
        (7, "7"),
        ("Sở Tư pháp", "Sở Tư pháp"),
        (datetime.date(2024, 1, 5), "2024-01-05"),
        (datetime.datetime(2024, 1, 5), "2024-01-05"),
        (datetime.datetime(2024, 1, 5, 8, 30), "2024-01-05T08:30:00"),
    ],
)
def test_cells_read_as_the_user_typed_them(value, text):
    from courses.learning.roster_reader import _cell_text

    assert _cell_text(value) == text


def test_a_nul_past_the_start_of_a_csv_is_left_out_of_the_cells():
    # PostgreSQL stores no NUL in text: it would end the import with a database error.
    people = "".join(f"Người {n},nguoi{n}@example.vn\n" for n in range(300))
    data = f"Họ và tên,Email\n{people}Nguyễn\x00 Ánh,nul\x00@example.vn\n".encode()
    assert b"\x00" not in data[:4096]

    result = read_roster(data, "danh-sach.csv")

    assert result.errors == []
    assert (result.rows[-1].full_name, result.rows[-1].email) == ("Nguyễn Ánh", "nul@example.vn")
