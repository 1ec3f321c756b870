"""The province's agency directory from its own workbook: import_agencies, export_agencies."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from django.core.management import CommandError, call_command

from lms.accounts.directory_import import agencies_import
from lms.accounts.models import Agency
from lms.core.models import AuditEvent

TITLE = "DANH MỤC CƠ QUAN, ĐƠN VỊ THUỘC UBND TỈNH VĨNH PHÚC"
HEADER = [
    "Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Chỉ tiêu đào tạo",
    "Tên gọi khác", "Sáp nhập vào", "Ngày sáp nhập",
]  # fmt: skip
ROWS = [
    ["000.00.00.H62", "UBND tỉnh Vĩnh Phúc", "Tỉnh", "", 0, "", "", ""],
    ["000.00.01.H62", "Sở Khoa học và Công nghệ", "Sở, ban, ngành", "000.00.00.H62", 30,
     "Sở KH&CN; Sở KHCN", "", ""],
    ["000.00.02.H62", "Sở Thông tin và Truyền thông", "Sở", "000.00.00.H62", 25, "",
     "000.00.01.H62", "01/03/2025"],
    ["000.00.10.H62", "Huyện Bình Xuyên", "Huyện", "000.00.00.H62", 60,
     "UBND huyện Bình Xuyên", "", ""],
    ["000.10.01.H62", "Xã Hương Canh", "Xã", "000.00.10.H62", 8, "", "", ""],
]  # fmt: skip


def workbook(rows=ROWS, header=HEADER, title_rows=2) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([TITLE])
    for _ in range(title_rows - 1):
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.django_db
def test_workbook_with_title_rows_dotted_codes_aliases_and_mergers(tmp_path):
    path = write(tmp_path, "danh-muc.xlsx", workbook())
    out = io.StringIO()
    call_command("import_agencies", str(path), stdout=out)
    assert "created: 5, updated: 0, unchanged: 0" in out.getvalue()

    dost = Agency.objects.get(code="000.00.01.H62")
    assert dost.kind == "department" and dost.parent.code == "000.00.00.H62"
    assert dost.target_headcount == 30 and dost.aliases == ["Sở KH&CN", "Sở KHCN"]
    merged = Agency.objects.get(code="000.00.02.H62")
    assert merged.merged_into == dost and str(merged.merged_at) == "2025-03-01"
    assert merged.is_active is False
    assert Agency.objects.get(code="000.10.01.H62").parent.kind == "district"
    assert AuditEvent.objects.filter(verb="agency.import").count() == 5


@pytest.mark.django_db
def test_second_run_changes_nothing_and_says_so(tmp_path):
    path = write(tmp_path, "danh-muc.xlsx", workbook())
    call_command("import_agencies", str(path), stdout=io.StringIO())
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("import_agencies", str(path), stdout=out)
    assert "created: 0, updated: 0, unchanged: 5" in out.getvalue()
    assert "already up to date" in out.getvalue()
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_changed_row_updates_only_that_agency_with_before_and_after(tmp_path):
    call_command(
        "import_agencies", str(write(tmp_path, "a.xlsx", workbook())), stdout=io.StringIO()
    )
    rows = [list(row) for row in ROWS]
    rows[3][4] = 75  # Bình Xuyên's target
    result = agencies_import(data=workbook(rows), filename="b.xlsx")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    event = AuditEvent.objects.filter(verb="agency.import").latest("pk")
    assert event.before == {"target_headcount": 60} and event.after == {"target_headcount": 75}
    assert Agency.objects.get(code="000.00.10.H62").target_headcount == 75


@pytest.mark.django_db
def test_english_csv_with_bom_and_semicolons(tmp_path):
    text = (
        "code;name;kind;parent_code;target_headcount;aliases\n"
        "P;Tỉnh Thử;province;;0;\n"
        "P.01;Sở Tư pháp;department;P;12;STP; Sở TP\n"
    )
    path = write(tmp_path, "agencies.csv", b"\xef\xbb\xbf" + text.encode())
    call_command("import_agencies", str(path), stdout=io.StringIO())
    assert Agency.objects.get(code="P.01").parent.code == "P"


@pytest.mark.django_db
def test_broken_workbook_names_every_bad_row_and_writes_nothing(tmp_path):
    rows = [list(row) for row in ROWS] + [
        ["000.00.01.H62", "Trùng mã", "Sở", "", 1, "", "", ""],  # row 9: duplicate code
        ["000.00.20.H62", "Sở Mới", "Bộ", "", 1, "", "", ""],  # row 10: bad kind
        ["000.00.21.H62", "Sở Số", "Sở", "", "ba mươi", "", "", ""],  # row 11: bad number
        ["000.00.22.H62", "Sở Ngày", "Sở", "", 1, "", "000.00.01.H62", "31/02/2025"],  # row 12
        ["", "Không mã", "Sở", "", 1, "", "", ""],  # row 13: no code
    ]
    path = write(tmp_path, "broken.xlsx", workbook(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="5 error"):
        call_command("import_agencies", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [f"row {n}" for n in (9, 10, 11, 12, 13)]
    assert "000.00.01.H62" in lines[0] and "dòng 5" in lines[0]
    assert "Bộ" in lines[1] and "ba mươi" in lines[2] and "31/02/2025" in lines[3]
    assert Agency.objects.count() == 0
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_unknown_parent_and_successor_are_named():
    rows = [["A.1", "Sở A", "Sở", "X.9", 1, "", "Y.9", "01/03/2025"]]
    result = agencies_import(data=workbook(rows), filename="a.xlsx")
    assert [row for row, _message in result.errors] == [4, 4]
    assert "X.9" in result.errors[0][1] and "Y.9" in result.errors[1][1]
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_a_cycle_of_parents_or_of_mergers_is_refused():
    Agency.objects.create(code="A", name="Sở A", kind="department")
    rows = [
        ["A", "Sở A", "Sở", "B", 1, "", "", ""],
        ["B", "Sở B", "Sở", "A", 1, "", "", ""],
        ["C", "Sở C", "Sở", "", 1, "", "D", ""],
        ["D", "Sở D", "Sở", "", 1, "", "C", ""],
    ]
    result = agencies_import(data=workbook(rows), filename="a.xlsx")
    messages = dict(result.errors)
    assert "A → B → A" in messages[4] and "C → D → C" in messages[6]
    assert Agency.objects.get(code="A").parent is None
    assert not Agency.objects.filter(code="B").exists()


@pytest.mark.django_db
def test_a_cycle_through_a_stored_agency_is_refused():
    top = Agency.objects.create(code="T", name="Tỉnh", kind="province")
    Agency.objects.create(code="S", name="Sở", kind="department", parent=top)
    result = agencies_import(
        data=workbook([["T", "Tỉnh", "Tỉnh", "S", 0, "", "", ""]]), filename="t.xlsx"
    )
    assert "T → S → T" in result.errors[0][1]


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    out = io.StringIO()
    call_command(
        "import_agencies", str(write(tmp_path, "a.xlsx", workbook())), "--dry-run", stdout=out
    )
    assert "created: 5" in out.getvalue() and "would be written" in out.getvalue()
    assert not Agency.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("extension", [".csv", ".xlsx"])
def test_export_reads_back_unchanged(tmp_path, extension):
    call_command(
        "import_agencies", str(write(tmp_path, "a.xlsx", workbook())), stdout=io.StringIO()
    )
    output = tmp_path / f"export{extension}"
    call_command("export_agencies", "--output", str(output), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_agencies", str(output), stdout=out)
    assert "created: 0, updated: 0, unchanged: 5" in out.getvalue()
    if extension == ".xlsx":
        header = next(load_workbook(output).active.iter_rows(values_only=True))
        assert header[:3] == ("Mã đơn vị", "Tên đơn vị", "Loại")


@pytest.mark.django_db
def test_export_to_a_directory_or_a_missing_folder_is_a_clear_error(tmp_path):
    (tmp_path / "folder.csv").mkdir()
    for output in (tmp_path / "folder.csv", tmp_path / "missing" / "x.csv"):
        with pytest.raises(CommandError, match="not a file in an existing directory"):
            call_command("export_agencies", "--output", str(output), stdout=io.StringIO())
    with pytest.raises(CommandError, match=".csv or .xlsx"):
        call_command("export_agencies", "--output", str(tmp_path / "x.txt"), stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_directory_loads_through_the_same_import(settings):
    path = settings.BASE_DIR / "fixtures" / "agencies.csv"
    first = agencies_import(data=path.read_bytes(), filename=path.name)
    assert not first.errors and first.created == Agency.objects.count() > 40
    again = agencies_import(data=path.read_bytes(), filename=path.name)
    assert again.changes == [] and again.unchanged == first.created
    thanh_tru = Agency.objects.get(code="VP-VY-THANHTRU")
    assert thanh_tru.merged_into.code == "VP-VY-DONGTAM" and not thanh_tru.is_active
