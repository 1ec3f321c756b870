"""The Word and Excel question-bank readers and writers, on files generated here."""

import io
import zipfile
from dataclasses import asdict
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import RGBColor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from lms.core.spreadsheets import ImportLimits
from quizzes.formats import parse_docx, parse_xlsx, write_docx, write_xlsx

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "question_banks"


def word(*paragraphs) -> bytes:
    """A .docx: a str is a paragraph; ("heading", text, level); (text, styler) styles a run
    after the option label."""
    document = docx.Document()
    for item in paragraphs:
        if isinstance(item, str):
            document.add_paragraph(item)
        elif item[0] == "heading":
            document.add_heading(item[1], level=item[2])
        else:
            text, styler = item
            label, _, body = text.partition(" ")
            paragraph = document.add_paragraph(label + " ")
            styler(paragraph.add_run(body))
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def excel(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def bold(run):
    run.bold = True


def underlined(run):
    run.underline = True


def red(run):
    run.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)


def highlighted(run):
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def same(questions):
    return [
        {k: v for k, v in asdict(q).items() if k not in ("line", "category_line")}
        for q in questions
    ]


def test_word_reads_numbered_questions_with_answer_lines_and_headings():
    result = parse_docx(
        word(
            "NGÂN HÀNG CÂU HỎI ISO 9001",  # a title above the first question is skipped
            ("heading", "Nhận thức chung", 1),
            "Câu 1: ISO 9001 là tiêu chuẩn về gì?",
            "A. Môi trường",
            "B) Chất lượng",
            "c. An toàn",
            "Đáp án: B",
            "Câu 2. Chọn các tài liệu bắt buộc",
            "A. Chính sách chất lượng",
            "B. Thư mời",
            "C. Mục tiêu chất lượng",
            "ĐA: A, C",
            "Điểm: 2",
            "Giải thích: Điều 5.2 và 6.2.",
            ("heading", "Thuật ngữ", 2),
            "Question 3: ISO là một tổ chức quốc tế",
            "A. Đúng",
            "B. Sai",
            "Answer: A",
        )
    )
    assert result.errors == []
    single, multiple, true_false = result.questions
    assert (single.qtype, single.line, single.category) == ("single_choice", 3, "Nhận thức chung")
    assert [a["fraction"] for a in single.answers] == [0.0, 1.0, 0.0]
    assert [a["text"] for a in single.answers] == ["Môi trường", "Chất lượng", "An toàn"]
    assert multiple.qtype == "multiple_choice" and multiple.default_mark == 2.0
    assert [a["fraction"] for a in multiple.answers] == [0.5, -0.5, 0.5]
    assert multiple.general_feedback == "Điều 5.2 và 6.2."
    assert true_false.qtype == "true_false"
    assert true_false.category == "Nhận thức chung/Thuật ngữ"
    assert [a["fraction"] for a in true_false.answers] == [1.0, 0.0]


@pytest.mark.parametrize("styler", [bold, underlined, red, highlighted])
def test_word_takes_the_marked_option_as_the_answer(styler):
    result = parse_docx(
        word("Câu 1: Ai chịu trách nhiệm cao nhất?", "A. Chuyên viên", ("B. Lãnh đạo", styler))
    )
    assert result.errors == []
    assert [a["fraction"] for a in result.questions[0].answers] == [0.0, 1.0]


def test_word_reads_lines_broken_inside_one_paragraph_with_its_number():
    result = parse_docx(
        word("Mở đầu", "Câu 1: Năm ban hành?\nLoại: Số\nĐáp án: 2015 ± 0,5", "Câu 2: x\nA. y")
    )
    assert result.questions[0].qtype == "numerical"
    assert result.questions[0].answers[0] | {} == {
        "value": 2015.0,
        "tolerance": 0.5,
        "fraction": 1.0,
        "feedback": "",
    }
    assert [(e.line, e.location, e.message) for e in result.errors] == [
        (3, "Câu 2", "câu trắc nghiệm cần ít nhất 2 phương án")
    ]


def test_word_errors_are_located_by_paragraph_in_vietnamese():
    result = parse_docx(
        word(
            "A. phương án lạc",
            "Câu 1: Thiếu đáp án",
            "A. một",
            "B. hai",
            "Câu 2: Sai thứ tự",
            "A. một",
            "C. hai",
            "Câu 3: Đáp án lạ",
            "A. một",
            "B. hai",
            "Đáp án: E",
            "Câu 4: Loại lạ",
            "Loại: Vẽ hình",
        )
    )
    assert result.questions == []
    lines = [(e.line, e.message.split(";")[0].split(" không")[0]) for e in result.errors]
    assert lines == [
        (1, "phương án đứng trước mọi câu hỏi"),
        (
            2,
            "câu hỏi thiếu đáp án: thêm dòng “Đáp án: B” hoặc in đậm, gạch chân, tô đỏ "
            "phương án đúng",
        ),
        (7, "phương án C"),
        (8, "đáp án “E”"),
        (12, "loại câu hỏi “Vẽ hình”"),
    ]
    # Located as the trainer finds them: by question number, or by paragraph before any.
    assert [e.location for e in result.errors] == [
        "đoạn 1",
        "Câu 1",
        "Câu 2",
        "Câu 3",
        "Câu 4",
    ]


def test_word_file_without_questions_or_not_a_word_file_is_one_error():
    assert (
        parse_docx(word("Chỉ có tiêu đề"))
        .errors[0]
        .message.startswith("không tìm thấy câu hỏi nào")
    )
    assert "không phải tài liệu Word" in parse_docx(b"PK\x03\x04 broken").errors[0].message
    assert "không phải tài liệu Word" in parse_docx(excel(["Câu hỏi"])).errors[0].message


def test_word_package_that_inflates_beyond_the_cap_is_refused_unread(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document>" + " " * (8 * 1024 * 1024))
    assert ImportLimits.current().max_uncompressed_bytes == 1024 * 1024
    error = parse_docx(buffer.getvalue()).errors[0]
    assert error.line == 0 and "quá lớn" in error.message


def test_word_part_with_a_doctype_is_refused():
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(word("Câu 1: a", "Đáp án: b")))
    with source, zipfile.ZipFile(buffer, "w") as package:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
            package.writestr(item, data)
    assert "không phải tài liệu Word" in parse_docx(buffer.getvalue()).errors[0].message


def test_excel_reads_the_header_below_title_rows_and_every_column():
    result = parse_xlsx(
        excel(
            ["NGÂN HÀNG CÂU HỎI"],
            [],
            ["STT", "Nhóm", "Câu hỏi", "Loại", "Phương án A", "Phương án B", "Phương án C"]
            + ["Đáp án", "Điểm", "Phản hồi"],
            [1, "Duy trì", "Đánh giá nội bộ?", None, "Định kỳ", "Khi có sự cố", None, "A"],
            [2, "Duy trì", "Đầu vào?", None, "Đánh giá", "Ý kiến", "Giá vé", "A; B", 2, "Xem 9.3"],
            [3, "Cải tiến", "Hồ sơ được hủy sớm.", "Đúng/Sai", None, None, None, "Sai"],
            [4, "Cải tiến", "Loại bỏ gì?", None, "Nguyên nhân", "Người", None, "nguyên nhân"],
            [5, "Cải tiến", "Ghép", "Ghép đôi", "P -> Plan", "D → Do"],
            [6, "Cải tiến", "Trình bày", "Tự luận", None, None, None, None, 3],
            [7, "Cải tiến", "Viết tắt?", None, None, None, None, "QMS | HTQLCL"],
        )
    )
    assert result.errors == []
    kinds = [(q.line, q.qtype, q.category) for q in result.questions]
    assert kinds == [
        (4, "single_choice", "Duy trì"),
        (5, "multiple_choice", "Duy trì"),
        (6, "true_false", "Cải tiến"),
        (7, "single_choice", "Cải tiến"),
        (8, "matching", "Cải tiến"),
        (9, "essay", "Cải tiến"),
        (10, "short_answer", "Cải tiến"),
    ]
    _single, multiple, true_false, by_text, matching, essay, short = result.questions
    assert multiple.default_mark == 2.0 and multiple.general_feedback == "Xem 9.3"
    assert [a["fraction"] for a in true_false.answers] == [0.0, 1.0]
    assert [a["fraction"] for a in by_text.answers] == [1.0, 0.0]
    assert matching.answers == [{"text": "P", "match": "Plan"}, {"text": "D", "match": "Do"}]
    assert essay.answers == [] and essay.default_mark == 3.0
    assert [a["text"] for a in short.answers] == ["QMS", "HTQLCL"]


def test_excel_errors_are_located_by_row():
    result = parse_xlsx(
        excel(
            ["Câu hỏi", "A", "B", "Đáp án", "Điểm"],
            ["Thiếu đáp án", "x", "y"],
            [None, "x", "y", "A"],
            ["Điểm âm", "x", "y", "A", -1],
            ["Đúng", "x", "y", "A"],
        )
    )
    assert [q.line for q in result.questions] == [5]
    assert [(e.line, e.location, e.message[:20]) for e in result.errors] == [
        (2, "dòng 2", "câu hỏi thiếu đáp án"),
        (3, "dòng 3", "câu hỏi không có nội"),
        (4, "dòng 4", "điểm “-1” phải là mộ"),
    ]


def test_excel_without_a_question_column_or_not_a_workbook_is_one_error():
    assert "Câu hỏi" in parse_xlsx(excel(["Họ tên", "Email"], ["a", "b"])).errors[0].message
    assert "không phải bảng tính" in parse_xlsx(word("Câu 1: a")).errors[0].message


def test_excel_beyond_the_row_cap_is_refused_unread(settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [["Câu hỏi", "Đáp án"]] + [[f"Câu {n}", "x"] for n in range(10)]
    assert "hơn 5 dòng" in parse_xlsx(excel(*rows)).errors[0].message


@pytest.mark.parametrize(
    ("name", "parse", "write"),
    [
        ("iso9001_word.docx", parse_docx, write_docx),
        ("iso9001_excel.xlsx", parse_xlsx, write_xlsx),
    ],
)
@pytest.mark.parametrize("write_back", [write_docx, write_xlsx])
def test_samples_read_cleanly_and_survive_a_round_trip(name, parse, write, write_back):
    questions = parse((FIXTURES / name).read_bytes()).questions
    assert len(questions) >= 6
    reread = (parse_docx if write_back is write_docx else parse_xlsx)(write_back(questions))
    assert reread.errors == []
    assert same(reread.questions) == same(questions)


def test_word_reads_short_options_sharing_a_line_and_labelled_or_compact_keys():
    result = parse_docx(
        word(
            "Câu 1: ISO 9001:2015 có bao nhiêu điều khoản?",
            "A. 8\tB. 10\tC. 12        D. 14",
            "Đáp án: B. 10",
            "Câu 2: Chọn hai",
            "A. x    B. y    C. z",
            "Đáp án: AC",
        )
    )
    assert result.errors == []
    first, second = result.questions
    assert [a["text"] for a in first.answers] == ["8", "10", "12", "14"]
    assert [a["fraction"] for a in first.answers] == [0.0, 1.0, 0.0, 0.0]
    assert second.qtype == "multiple_choice"
    assert [a["fraction"] > 0 for a in second.answers] == [True, False, True]


WORD_LINES = [
    "Nhóm: Nhận thức",
    "Câu 1: ISO 9001?",
    "A. Chất lượng",
    "B) Môi trường",
    "Đáp án: A",
    "Loại: Số",
    "Điểm: 2",
    "Giải thích: x",
    "A. P -> Plan",
    "Đáp án: 3,5 ± 0,1",
    "Question 2. Đúng hay sai",
    "a. Đúng\tb. Sai",
    "ĐA: Đúng",
    "",
]
FEW = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@FEW
@given(st.lists(st.sampled_from(WORD_LINES), max_size=25), st.booleans())
def test_word_and_excel_readers_never_crash_and_locate_their_errors(lines, as_excel):
    if as_excel:
        table = [["Câu hỏi", "Loại", "A", "B", "Đáp án", "Điểm"]]
        table += [[line, *lines[i : i + 5]] for i, line in enumerate(lines)]
        result, limit = parse_xlsx(excel(*table)), len(table)
    else:
        result, limit = parse_docx(word(*lines)), len(lines)
    for error in result.errors:
        assert 0 <= error.line <= limit and error.message.strip()
    assert result.questions or result.errors


@FEW
@given(st.binary(max_size=500))
def test_word_and_excel_readers_survive_random_bytes(data):
    assert parse_docx(b"PK\x03\x04" + data).errors
    assert parse_xlsx(b"PK\x03\x04" + data).errors


def test_excel_type_trac_nghiem_takes_one_or_several_right_answers():
    result = parse_xlsx(
        excel(
            ["Câu hỏi", "Loại", "A", "B", "C", "Đáp án"],
            ["Một", "Trắc nghiệm", "x", "y", "z", "B"],
            ["Hai", "Trắc nghiệm", "x", "y", "z", "A, C"],
            ["Ba", "Một đáp án", "x", "y", "z", "A, C"],
        )
    )
    assert [q.qtype for q in result.questions] == ["single_choice", "multiple_choice"]
    assert [(e.line, e.message[:30]) for e in result.errors] == [
        (4, "câu một đáp án nhưng có 2 đáp "),
    ]
