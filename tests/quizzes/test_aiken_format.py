"""Aiken reader, tested on real files (tests/quizzes/files) and Moodle's own fixtures."""

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.formats import ParseResult, parse_aiken
from quizzes.formats import aiken as aiken_module

FILES = Path(__file__).parent / "files"


def read(name: str) -> str:
    # Bytes, then decode: keeps CRLF and the BOM exactly as they are in the file.
    return (FILES / name).read_bytes().decode("utf-8")


def located(result: ParseResult) -> list[tuple[int, str]]:
    return [(error.line, error.message) for error in result.errors]


def test_moodle_aiken_fixture_gives_single_choice_questions():
    result = parse_aiken(read("moodle_questions.aiken.txt"))

    assert result.errors == []
    first, second = result.questions
    assert first.qtype == "single_choice"
    assert first.name == first.text == "The Moodle project was started by:"
    assert first.answers == [
        {"text": "Petr Skoda", "fraction": 0.0, "feedback": ""},
        {"text": "Martin Dougiamas", "fraction": 1.0, "feedback": ""},
        {"text": "Eloy Lafuente", "fraction": 0.0, "feedback": ""},
        {"text": "Tim Hunt", "fraction": 0.0, "feedback": ""},
    ]
    assert (first.line, second.line) == (1, 8)


def test_aiken_text_is_plain_so_html_characters_stay_as_typed():
    second = parse_aiken(read("moodle_questions.aiken.txt")).questions[1]

    assert second.text_format == "plain"
    assert second.text.endswith('includes <html class="cool"> & images:')
    assert second.name == second.text[:60]


def test_moodle_aiken_error_fixture_keeps_the_good_questions_and_locates_the_rest():
    result = parse_aiken(read("moodle_aiken_errors.txt"))

    # Moodle reports: too few answers (line 3), not started (lines 5 and 7), not finished.
    assert located(result) == [
        (3, aiken_module.MSG_TOO_FEW_OPTIONS),
        (5, aiken_module.MSG_OPTION_BEFORE_QUESTION),
        (7, aiken_module.MSG_ANSWER_BEFORE_QUESTION),
        (14, aiken_module.MSG_NO_ANSWER_LINE),
    ]
    assert [q.name for q in result.questions] == [
        "A good question",
        "A second good question",
        "A third good question with HTML chars such as > < &",
    ]
    good, no_space, html = result.questions
    assert [a["text"] for a in good.answers] == ["Correct", "Incorrect"]
    assert good.answers[0]["fraction"] == 1.0
    # "A)Incorrect" without a space after the label is still an option, as in Moodle.
    assert [a["text"] for a in no_space.answers] == ["Incorrect (No space)", "Correct (No space)"]
    assert [a["fraction"] for a in no_space.answers] == [0.0, 1.0]
    assert [a["text"] for a in html.answers] == ["Correct (< > &)", "Incorrect (< > &)"]


def test_vietnamese_aiken_file_accepts_dot_and_parenthesis_labels():
    result = parse_aiken(read("vi_iso9001.aiken.txt"))

    assert result.errors == []
    assert [q.line for q in result.questions] == [1, 8, 14]
    records, leader, audit = result.questions
    assert [a["text"] for a in records.answers] == [
        "Tài liệu",
        "Hồ sơ",
        "Sổ tay chất lượng",
        "Thủ tục hành chính",
    ]
    assert [a["fraction"] for a in records.answers] == [0.0, 1.0, 0.0, 0.0]
    assert leader.answers[2] == {"text": "Lãnh đạo cơ quan", "fraction": 1.0, "feedback": ""}
    assert audit.text == "Đánh giá nội bộ phải được thực hiện:"
    assert {q.category for q in result.questions} == {""}


def test_crlf_bom_and_nfd_aiken_file_reads_like_the_plain_file():
    raw = (FILES / "vi_iso9001_crlf_bom_nfd.aiken.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert not unicodedata.is_normalized("NFC", raw.decode("utf-8"))

    result = parse_aiken(read("vi_iso9001_crlf_bom_nfd.aiken.txt"))

    assert result == parse_aiken(read("vi_iso9001.aiken.txt"))
    for question in result.questions:
        assert unicodedata.is_normalized("NFC", question.text)
        assert all(unicodedata.is_normalized("NFC", a["text"]) for a in question.answers)


def test_malformed_aiken_file_reports_each_error_on_its_line():
    result = parse_aiken(read("aiken_malformed.txt"))

    assert located(result) == [
        (1, aiken_module.MSG_OPTION_BEFORE_QUESTION),
        (2, aiken_module.MSG_ANSWER_BEFORE_QUESTION),
        (7, aiken_module.MSG_UNKNOWN_ANSWER.format(answer="D", letters="A, B")),
        (10, aiken_module.MSG_TEXT_ON_TWO_LINES),
        (17, aiken_module.MSG_DUPLICATE_OPTION.format(letter="A")),
        (22, aiken_module.MSG_EMPTY_OPTION.format(letter="B")),
        (30, aiken_module.MSG_NO_ANSWER_LINE),
        (34, aiken_module.MSG_NO_ANSWER_LINE),
    ]
    # Only the one well-formed question is returned; half-read questions are never returned.
    assert [(q.line, q.text) for q in result.questions] == [(25, "Câu hỏi hợp lệ")]


@pytest.mark.parametrize("answer_line", ["ANSWER: B", "ANSWER:B", "Answer: b", "ANSWER: B."])
def test_answer_line_spellings(answer_line):
    result = parse_aiken(f"Question?\nA) one\nB) two\n{answer_line}\n")

    assert result.errors == []
    assert [a["fraction"] for a in result.questions[0].answers] == [0.0, 1.0]


@pytest.mark.parametrize("answer_line", ["ANSWER:", "ANSWER: AB", "ANSWER: 2", "ANSWER: C"])
def test_answer_that_names_no_option_is_an_error(answer_line):
    result = parse_aiken(f"Question?\nA) one\nB) two\n{answer_line}\n")

    assert result.questions == []
    assert [e.line for e in result.errors] == [4]
    assert result.errors[0].message.startswith("đáp án '")


def test_answer_letter_refers_to_the_option_label_not_its_position():
    result = parse_aiken("Question?\nA) one\nC) three\nANSWER: C\n")

    assert [a["fraction"] for a in result.questions[0].answers] == [0.0, 1.0]


def test_blank_lines_inside_a_question_are_allowed_as_in_moodle():
    result = parse_aiken("Question?\n\nA) one\n\nB) two\n\nANSWER: A\n")

    assert result.errors == []
    assert len(result.questions[0].answers) == 2


def test_question_left_without_answer_before_the_next_one():
    result = parse_aiken("First?\nA) one\nB) two\nSecond?\nA) yes\nB) no\nANSWER: B\n")

    assert located(result) == [(1, aiken_module.MSG_NO_ANSWER_LINE)]
    assert [q.text for q in result.questions] == ["Second?"]


@pytest.mark.parametrize("source", ["", "\ufeff", "\n \n", "x\n"])
def test_empty_aiken_input_gives_nothing(source):
    assert parse_aiken(source) == ParseResult(questions=[], errors=[])


AIKEN_ALPHABET = st.sampled_from(
    [
        "A) ",
        "B. ",
        "C)",
        "ANSWER: ",
        "answer:",
        "A",
        "B",
        "Z",
        "x",
        "ế",
        " ",
        "\n",
        "\r\n",
        ".",
        ")",
    ]
)


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(AIKEN_ALPHABET, max_size=60).map("".join))
def test_aiken_parser_never_raises_and_is_deterministic(source):
    first = parse_aiken(source)

    assert first == parse_aiken(source)
    for question in first.questions:
        assert sum(a["fraction"] for a in question.answers) == 1.0
        assert len(question.answers) >= 2
    assert [e.line for e in first.errors] == sorted(e.line for e in first.errors)


def test_unknown_answer_quotes_its_first_ten_characters():
    result = parse_aiken("Câu hỏi?\nA) Một\nB) Hai\nANSWER: 0123456789ABCDEF\n")
    assert located(result) == [(4, "đáp án '0123456789' không thuộc các phương án A, B")]


def test_aiken_text_is_plain_so_its_name_keeps_angle_brackets():
    result = parse_aiken("Thẻ <b> trong HTML làm gì?\nA) In đậm\nB) Xuống dòng\nANSWER: A\n")
    assert result.errors == []
    question = result.questions[0]
    assert question.name == question.text == "Thẻ <b> trong HTML làm gì?"
    assert question.text_format == "plain"
