"""GIFT reader and writer, tested on real files (tests/quizzes/files) and Moodle's own examples."""

import dataclasses
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizzes.formats import QUESTION_TYPES, ParsedQuestion, parse_gift, write_gift
from quizzes.formats import gift as gift_module

FILES = Path(__file__).parent / "files"
ROUND_TRIP_FIELDS = (
    "qtype",
    "name",
    "text",
    "text_format",
    "category",
    "answers",
    "general_feedback",
)


def read(name: str) -> str:
    # Bytes, then decode: keeps CRLF and the BOM exactly as they are in the file.
    return (FILES / name).read_bytes().decode("utf-8")


def parse_one(text: str) -> ParsedQuestion:
    result = parse_gift(text)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0]


def vi_question(name: str) -> ParsedQuestion:
    return next(q for q in parse_gift(read("vi_iso9001.gift")).questions if q.name == name)


def comparable(question: ParsedQuestion) -> dict:
    return {name: getattr(question, name) for name in ROUND_TRIP_FIELDS}


def assert_round_trip(questions: list[ParsedQuestion]) -> None:
    written = write_gift(questions)
    again = parse_gift(written)
    assert again.errors == [], written
    assert [comparable(q) for q in again.questions] == [comparable(q) for q in questions], written


# --- Moodle's own example files -----------------------------------------------------------------


def test_moodle_examples_file_gives_the_types_moodle_gets():
    result = parse_gift(read("moodle_examples.gift"))

    assert result.errors == []
    types = [q.qtype for q in result.questions]
    assert len(types) == 43
    assert types.count("single_choice") == 16
    assert types.count("multiple_choice") == 2
    assert types.count("short_answer") == 9
    assert types.count("true_false") == 5
    assert types.count("numerical") == 8
    assert types.count("matching") == 3
    assert all(qtype in QUESTION_TYPES for qtype in types)


def test_moodle_examples_file_keeps_line_numbers_of_each_question():
    questions = parse_gift(read("moodle_examples.gift")).questions

    assert [q.line for q in questions[:5]] == [8, 10, 12, 14, 16]
    # A question whose text spans lines starts where its first line is, after the comment.
    kanji = next(q for q in questions if q.name == "Kanji Origins")
    assert kanji.line == 90
    assert kanji.text == "Japanese characters originally\ncame from what country?"


def test_moodle_fixture_gives_the_same_questions_as_moodle_tests():
    questions = {q.name: q for q in parse_gift(read("moodle_questions.gift")).questions}

    assert questions["Q8"].qtype == "essay"
    assert questions["Q8"].text == "How are you?"
    assert questions["Q8"].answers == []

    q2 = questions["Q2"]
    assert q2.qtype == "single_choice"
    assert q2.text == "What's between orange and green in the spectrum?"
    assert [a["text"] for a in q2.answers] == ["yellow", "red", "blue"]
    assert [a["fraction"] for a in q2.answers] == [1.0, 0.0, 0.0]
    assert [a["feedback"] for a in q2.answers] == [
        "right; good!",
        "wrong, it's yellow",
        "wrong, it's yellow",
    ]

    colours = questions["colours"]
    assert colours.qtype == "multiple_choice"
    assert [a["fraction"] for a in colours.answers] == [0.5, -1.0, 0.5, -1.0]
    assert [a["text"] for a in colours.answers] == ["yellow", "red", "off-beige", "blue"]

    assert questions["Shortanswer"].qtype == "short_answer"
    assert [a["text"] for a in questions["Shortanswer"].answers] == ["Frog", "Cat", "*"]
    assert [a["fraction"] for a in questions["Shortanswer"].answers] == [1.0, 0.5, 0.0]

    assert questions["Question name"].qtype == "essay"
    assert questions["double backslash"].text == "A \\ B \\\\ C"


def test_moodle_fixture_with_category_puts_every_question_in_it():
    questions = parse_gift(read("moodle_questions_in_category.gift")).questions

    assert [q.qtype for q in questions] == [
        "matching",
        "single_choice",
        "short_answer",
        "true_false",
    ]
    assert {q.category for q in questions} == {"Default for New Features"}
    greeting = questions[1]
    assert greeting.text_format == "html"
    assert greeting.text.startswith('<a href="http://demo.moodle.net/file.php/5/media/')
    assert "Listen to this greeting:</a>" in greeting.text


# --- each question type ---------------------------------------------------------------------


def test_single_choice_has_one_full_mark_answer_and_feedback():
    q = parse_one("Who's buried in Grant's tomb?{~Grant#No. ~Jefferson =no one#Right!}")

    assert q.qtype == "single_choice"
    assert q.answers == [
        {"text": "Grant", "fraction": 0.0, "feedback": "No."},
        {"text": "Jefferson", "fraction": 0.0, "feedback": ""},
        {"text": "no one", "fraction": 1.0, "feedback": "Right!"},
    ]
    assert q.default_mark == 1.0


def test_single_choice_allows_partial_credit_beside_the_full_mark():
    q = parse_one("Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}")

    assert q.qtype == "single_choice"
    assert [a["fraction"] for a in q.answers] == [0.0, 0.5, 1.0]


def test_single_hundred_percent_weight_without_equals_is_single_choice():
    q = parse_one("Pick one.{~%100%yellow ~%-50%red ~%-50%blue}")

    assert q.qtype == "single_choice"
    assert [a["fraction"] for a in q.answers] == [1.0, -0.5, -0.5]


def test_multiple_choice_keeps_weights_and_penalties():
    q = vi_question("Chu trình PDCA")

    assert q.qtype == "multiple_choice"
    assert q.name == "Chu trình PDCA"
    assert [a["fraction"] for a in q.answers] == [0.25, 0.25, 0.25, 0.25, -1.0]
    assert q.answers[4]["feedback"] == "Không có bước này trong chu trình PDCA."


def test_multiple_choice_accepts_thirds_that_round_to_one_hundred():
    q = parse_one("Pick three.{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")

    assert q.qtype == "multiple_choice"
    assert q.answers[0]["fraction"] == 0.3333333


def test_true_false_feedback_follows_moodle_wrong_then_right_order():
    q = parse_one(
        "::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )

    assert q.qtype == "true_false"
    # Moodle: the first feedback is shown for the wrong answer (here "true").
    assert q.answers == [
        {"text": "true", "fraction": 0.0, "feedback": "42 is the Ultimate Answer."},
        {"text": "false", "fraction": 1.0, "feedback": "You gave the right answer."},
    ]


@pytest.mark.parametrize(
    ("marker", "true_fraction"), [("T", 1.0), ("TRUE", 1.0), ("F", 0.0), ("FALSE", 0.0)]
)
def test_true_false_accepts_every_moodle_spelling(marker, true_fraction):
    q = parse_one(f"::2-08 TSL::TSL is blablabla.{{{marker}}}")

    assert q.qtype == "true_false"
    assert q.name == "2-08 TSL"
    assert q.answers[0] == {"text": "true", "fraction": true_fraction, "feedback": ""}
    assert q.answers[1]["fraction"] == 1.0 - true_fraction


def test_short_answer_keeps_weighted_answers_and_wildcard():
    q = parse_one(
        "::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n"
        "    =%50%Cat#What is it with Moodlers and cats?\n"
        "    =%0%*#Completely wrong\n"
        "}"
    )

    assert q.qtype == "short_answer"
    assert q.answers == [
        {"text": "Frog", "fraction": 1.0, "feedback": "Good!"},
        {"text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?"},
        {"text": "*", "fraction": 0.0, "feedback": "Completely wrong"},
    ]


def test_numerical_tolerance_is_kept():
    q = parse_one("What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}")

    assert q.qtype == "numerical"
    assert q.answers == [{"value": 3.1415, "tolerance": 0.0005, "fraction": 1.0, "feedback": ""}]


def test_numerical_range_becomes_middle_value_and_half_width():
    q = vi_question("Mục tiêu chất lượng")

    assert q.name == "Mục tiêu chất lượng"
    assert q.answers == [{"value": 97.5, "tolerance": 2.5, "fraction": 1.0, "feedback": ""}]


def test_numerical_with_several_weighted_answers_and_feedback():
    q = parse_one(
        "::Numerical example::\nWhen was Ulysses S. Grant born? {#\n"
        "     =1822:0      #Correct! 100% credit\n"
        "     =%50%1822:2  #He was born in 1822.\n"
        "}"
    )

    assert q.answers == [
        {"value": 1822.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "Correct! 100% credit"},
        {"value": 1822.0, "tolerance": 2.0, "fraction": 0.5, "feedback": "He was born in 1822."},
    ]


def test_numerical_wrong_answer_feedback_is_a_catch_all_answer():
    q = parse_one("::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}")

    assert q.answers == [
        {"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""},
        {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": "Completely wrong"},
    ]


def test_negative_numbers_and_exponents_are_numbers():
    q = parse_one("Freezing point?{#=-273.15:0.5 =%50%-2.7315e2:5}")

    assert [(a["value"], a["tolerance"]) for a in q.answers] == [(-273.15, 0.5), (-273.15, 5.0)]


def test_matching_question_keeps_pairs():
    q = parse_one(
        "Match the following countries with their corresponding\n"
        "capitals.{=Canada->Ottawa =Italy->Rome =Japan->Tokyo}"
    )

    assert q.qtype == "matching"
    assert q.answers == [
        {"text": "Canada", "match": "Ottawa"},
        {"text": "Italy", "match": "Rome"},
        {"text": "Japan", "match": "Tokyo"},
    ]


def test_matching_empty_left_side_is_an_extra_distractor():
    q = next(
        q
        for q in parse_gift(read("moodle_questions.gift")).questions
        if q.name == "Moodle activities"
    )

    assert q.text == "Match the <b>activity</b> to the description."
    assert q.text_format == "html"
    # Per-answer format prefixes are dropped; the question's format applies to every pair.
    assert [pair["text"] for pair in q.answers] == [
        "An activity supporting asynchronous discussions.",
        "A teacher asks a question and specifies a choice of multiple responses.",
        "A bank of record entries which participants can add to.",
        "A collection of web pages that anyone can add to or edit.",
        "",
    ]
    assert [pair["match"] for pair in q.answers] == ["Forum", "Choice", "Database", "Wiki", "Chat"]


def test_essay_is_an_empty_answer_block():
    q = parse_one("::Q8:: How are you? {}")

    assert (q.qtype, q.name, q.text, q.answers) == ("essay", "Q8", "How are you?", [])


def test_description_is_text_without_answer_block():
    q = parse_one("::Intro::[html]<p>Read this first.</p>")

    assert (q.qtype, q.text_format, q.text) == ("description", "html", "<p>Read this first.</p>")
    assert q.default_mark == 0.0


def test_missing_word_question_shows_a_blank_where_the_answers_were():
    q = parse_one("Grant is {~buried =entombed ~living} in Grant's tomb.")

    assert q.qtype == "single_choice"
    assert q.text == "Grant is _____ in Grant's tomb."
    assert q.name == "Grant is _____ in Grant's tomb."


def test_answers_followed_only_by_punctuation_still_leave_a_blank_like_moodle():
    q = parse_one("Two plus two equals {=four =4}.")

    assert q.text == "Two plus two equals _____."


# --- general feedback, names, formats, comments, escapes -----------------------------------


def test_general_feedback_is_split_from_the_answers():
    q = parse_one(
        "::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.\n"
        "####This is, of course, a Hitchiker's Guide to the Galaxy reference.}"
    )

    assert q.general_feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert q.answers[1]["feedback"] == "You gave the right answer."


def test_general_feedback_on_an_essay_and_with_a_format_prefix():
    essay = parse_one("Describe an improvement.{####A good answer names a cause.}")
    short = parse_one("Best animal?{=Frog####[html]Here is some general feedback!}")

    assert (essay.qtype, essay.general_feedback) == ("essay", "A good answer names a cause.")
    assert short.general_feedback == "Here is some general feedback!"


def test_name_defaults_to_first_sixty_characters_of_the_text():
    text = "Nguyên tắc “cải tiến” yêu cầu tổ chức phải liên tục nâng cao hiệu lực của hệ thống?"
    q = parse_one(text + "{T}")

    assert q.name == text[:60]
    assert len(q.name) == 60


def test_default_name_leaves_out_html_tags():
    q = parse_one("[html]<p>Chọn <b>đáp án</b> đúng</p>{T}")

    assert q.name == "Chọn đáp án đúng"
    assert q.text == "<p>Chọn <b>đáp án</b> đúng</p>"


@pytest.mark.parametrize("text_format", ["html", "moodle", "plain", "markdown"])
def test_format_prefix_sets_text_format(text_format):
    q = parse_one(f"::T::[{text_format}]Some *text*{{T}}")

    assert (q.text_format, q.text) == (text_format, "Some *text*")


def test_unknown_bracket_prefix_stays_in_the_text():
    q = parse_one("[note] Read clause 7.5.{T}")

    assert (q.text_format, q.text) == ("moodle", "[note] Read clause 7.5.")


def test_comment_lines_are_ignored_even_inside_a_question():
    result = parse_gift(
        "// a file comment\n"
        "// question: 1 name: x\n"
        "::Q::Question\n"
        "// a comment between text and answers\n"
        "{T}\n"
        "\n"
        "// only a comment\n"
    )

    assert result.errors == []
    assert [(q.line, q.text) for q in result.questions] == [(3, "Question")]


def test_escaped_control_characters_are_literal_text():
    q = parse_one(
        "::a\\:b:: 1 \\= 1\\, \\{set\\} \\~ \\# \\\\ done\\nnext line{\n"
        "  =\\= 2 + 3#why \\# not\n"
        "  ~\\~x\n"
        "}"
    )

    assert q.name == "a:b"
    assert q.text == "1 = 1\\, {set} ~ # \\ done\nnext line"
    assert q.answers == [
        {"text": "= 2 + 3", "fraction": 1.0, "feedback": "why # not"},
        {"text": "~x", "fraction": 0.0, "feedback": ""},
    ]


def test_gift_control_characters_example_from_moodle():
    q = next(
        q
        for q in parse_gift(read("moodle_examples.gift")).questions
        if q.name == "GIFT Control Characters"
    )

    assert [a["text"] for a in q.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert q.answers[5]["fraction"] == 1.0
    assert q.answers[5]["feedback"].startswith("Correct! \\ (backslash) is not a control")


def test_double_colon_inside_text_is_not_a_title():
    q = parse_one("Read ISO 9001::2015 now.{T}")

    assert q.text == "Read ISO 9001::2015 now."


# --- categories -------------------------------------------------------------------------------


def test_categories_apply_to_the_questions_that_follow():
    questions = parse_gift(read("vi_iso9001.gift")).questions

    assert [(q.name, q.category) for q in questions] == [
        ("Giới thiệu", ""),
        ("Số nguyên tắc", "Nhận thức/Nguyên tắc quản lý chất lượng"),
        ("Chu trình PDCA", "Nhận thức/Nguyên tắc quản lý chất lượng"),
        ("Tiếp cận theo quá trình", "Nhận thức/Nguyên tắc quản lý chất lượng"),
        ("Tài liệu và hồ sơ", "Xây dựng/Tài liệu và hồ sơ"),
        ("Điều khoản đánh giá nội bộ", "Xây dựng/Tài liệu và hồ sơ"),
        ("Mục tiêu chất lượng", "Xây dựng/Tài liệu và hồ sơ"),
        (
            "Hồ sơ là bằng chứng _____ về việc thực hiện các hoạt động.",
            "Xây dựng/Tài liệu và hồ sơ",
        ),
        ("Cơ hội cải tiến", "Cải tiến"),
    ]


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("$CATEGORY: $course$/Default for New Features", "Default for New Features"),
        ("$CATEGORY: $system$/top/Shared", "top/Shared"),
        ("$CATEGORY: plain/path", "plain/path"),
        ("$CATEGORY: $course$", ""),
        ("$CATEGORY:", ""),
    ],
)
def test_category_context_prefix_is_stripped(line, category):
    q = parse_one(f"{line}\n\nQuestion?{{T}}")

    assert q.category == category


def test_category_line_directly_above_a_question_still_reads_the_question():
    q = parse_one("$CATEGORY: $course$/A\n::Q::Question?{T}")

    assert (q.category, q.name, q.line) == ("A", "Q", 2)


# --- encodings and line ends ------------------------------------------------------------------


def test_vietnamese_file_reads_every_type():
    result = parse_gift(read("vi_iso9001.gift"))

    assert result.errors == []
    assert [q.qtype for q in result.questions] == [
        "description",
        "single_choice",
        "multiple_choice",
        "true_false",
        "matching",
        "short_answer",
        "numerical",
        "short_answer",
        "essay",
    ]
    principle = result.questions[1]
    assert principle.text == "TCVN ISO 9001:2015 dựa trên bao nhiêu nguyên tắc quản lý chất lượng?"
    assert principle.general_feedback == "Xem TCVN ISO 9000:2015, mục 2.3."


def test_crlf_file_with_bom_reads_like_the_plain_file():
    raw = (FILES / "vi_iso9001_crlf_bom.gift").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw

    assert parse_gift(read("vi_iso9001_crlf_bom.gift")) == parse_gift(read("vi_iso9001.gift"))


def test_old_mac_line_ends_are_lines_too():
    result = parse_gift("::A::One?{T}\r\r::B::Two?{F}\r")

    assert [(q.name, q.line) for q in result.questions] == [("A", 1), ("B", 3)]


def test_nfd_text_is_returned_nfc():
    source = read("vi_iso9001_nfd.gift")
    assert not unicodedata.is_normalized("NFC", source)

    result = parse_gift(source)

    assert result == parse_gift(read("vi_iso9001.gift"))
    for q in result.questions:
        for value in (q.name, q.text, q.category, q.general_feedback):
            assert unicodedata.is_normalized("NFC", value)


# --- broken files -------------------------------------------------------------------------------


def test_broken_file_reports_each_error_on_its_line():
    result = parse_gift(read("broken.gift"))

    assert [(e.line, e.message) for e in result.errors] == [
        (3, gift_module.MSG_UNCLOSED_BRACE),
        (10, gift_module.MSG_UNKNOWN_MARKER.format(text="đáp án không có dấu")),
        (16, gift_module.MSG_MATCH_TOO_FEW),
        (
            21,
            gift_module.MSG_MATCH_NO_ARROW.format(text="ISO 14001 Hệ thống quản lý môi trường"),
        ),
        (26, gift_module.MSG_BAD_NUMBER.format(text="hai nghìn")),
        (29, gift_module.MSG_EMPTY_ANSWER),
        (31, gift_module.MSG_BAD_WEIGHT.format(weight="abc")),
        (34, gift_module.MSG_SECOND_BLOCK),
        (36, gift_module.MSG_UNOPENED_BRACE),
        (40, gift_module.MSG_UNCLOSED_TITLE),
        (42, gift_module.MSG_BAD_RANGE.format(text="5..1")),
        (44, gift_module.MSG_NO_FULL_MARK),
        (46, gift_module.MSG_WEIGHTS_SUM.format(total="80")),
        (48, gift_module.MSG_NESTED_BRACE),
        (50, gift_module.MSG_TOO_FEW_CHOICES),
        (52, gift_module.MSG_EMPTY_TEXT),
        (54, gift_module.MSG_PENALTY_NOT_ALLOWED.format(weight="-50")),
    ]
    # The good questions between the broken ones are still read, with their own lines.
    assert [(q.name, q.line) for q in result.questions] == [
        ("Good 1", 7),
        ("Good 2", 38),
        ("Good 3", 56),
    ]


def test_broken_crlf_file_reports_the_same_lines():
    crlf = "\ufeff" + read("broken.gift").replace("\n", "\r\n")

    assert parse_gift(crlf).errors == parse_gift(read("broken.gift")).errors


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("\n\nQ?{\n=a\n~b", 3, gift_module.MSG_UNCLOSED_BRACE),
        ("Q?\n{#\n=abc}", 3, gift_module.MSG_BAD_NUMBER.format(text="abc")),
        ("Q?{#=1:-2}", 1, gift_module.MSG_NEGATIVE_TOLERANCE.format(text="1:-2")),
        ("Q?{#=1e999}", 1, gift_module.MSG_BAD_NUMBER.format(text="1e999")),
        ("Q?{#nan}", 1, gift_module.MSG_BAD_NUMBER.format(text="nan")),
        ("Q?{#}", 1, gift_module.MSG_NO_NUMERICAL_ANSWER),
        ("Q?{#=%50%3}", 1, gift_module.MSG_NO_FULL_MARK),
        ("Q?{Paris =London}", 1, gift_module.MSG_UNKNOWN_MARKER.format(text="Paris")),
        ("Q?{=a =b ->c}", 1, gift_module.MSG_MATCH_NO_ARROW.format(text="a")),
        ("Q?{=a->b\n= -> c}", 1, gift_module.MSG_MATCH_TOO_FEW),
        ("Q?{=a->b\n=c->}", 2, gift_module.MSG_EMPTY_ANSWER),
        ("Q?{=a =b ~c}", 1, gift_module.MSG_SEVERAL_FULL_MARKS),
        ("Q?{~%150%a ~b}", 1, gift_module.MSG_BAD_WEIGHT.format(weight="150")),
        ("Q?{=%50%a =%20%b}", 1, gift_module.MSG_NO_FULL_MARK),
        ("Q?{~a ~b}", 1, gift_module.MSG_NO_FULL_MARK),
        ("Q?{=#feedback only}", 1, gift_module.MSG_EMPTY_ANSWER),
        # Errors on a later line of the question carry that line.
        ("Q?{#\n=1\n=%-50%2}", 3, gift_module.MSG_PENALTY_NOT_ALLOWED.format(weight="-50")),
        ("Q?{#\n=1\n=%50%}", 3, gift_module.MSG_EMPTY_ANSWER),
        ("Q?{=a ~b}\n}", 2, gift_module.MSG_UNOPENED_BRACE),
        (
            "Q?{#=12345678901234567890123456789012..1}",
            1,
            gift_module.MSG_BAD_RANGE.format(text="12345678901234567890123456789…"),
        ),
    ],
)
def test_malformed_question_gives_a_located_error(source, line, message):
    result = parse_gift(source)

    assert result.questions == []
    assert [(e.line, e.message) for e in result.errors] == [(line, message)]


def test_blank_line_inside_answers_splits_the_question_as_in_moodle():
    result = parse_gift("Q?{\n=a\n\n~b}")

    assert [(e.line, e.message) for e in result.errors] == [
        (1, gift_module.MSG_UNCLOSED_BRACE),
        (4, gift_module.MSG_UNOPENED_BRACE),
    ]


@pytest.mark.parametrize(
    "source", ["", "\ufeff", "\n\n\n", "// only comments\n// here", "\r\n\r\n"]
)
def test_empty_files_give_no_questions_and_no_errors(source):
    assert parse_gift(source) == gift_module.ParseResult(questions=[], errors=[])


GIFT_ALPHABET = st.sampled_from(
    list("ab xyZ09ếđ\n\t\r~=#{}:\\[]%->.*_/$") + ["//", "::", "####", "\\n", "->", "..", "{#"]
)


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(GIFT_ALPHABET, max_size=60).map("".join))
def test_parser_never_raises_and_is_deterministic(source):
    first = parse_gift(source)
    second = parse_gift(source)

    assert first == second
    assert gift_module.MSG_UNREADABLE not in {e.message for e in first.errors}
    for question in first.questions:
        assert question.qtype in QUESTION_TYPES
        assert question.line >= 1
    for error in first.errors:
        assert 1 <= error.line <= source.count("\n") + source.count("\r") + 1


# --- writer and round trip ------------------------------------------------------------------


def question(qtype, answers, **fields) -> ParsedQuestion:
    values = {"name": f"Câu {qtype}", "text": f"Nội dung {qtype}?"} | fields
    return ParsedQuestion(qtype=qtype, answers=answers, **values)


ONE_OF_EACH = [
    question(
        "single_choice",
        [
            {"text": "7", "fraction": 1.0, "feedback": "Đúng: bảy nguyên tắc."},
            {"text": "8", "fraction": 0.0, "feedback": ""},
            {"text": "nửa đúng", "fraction": 0.5, "feedback": "Gần đúng."},
            {"text": "sai nặng", "fraction": -0.25, "feedback": ""},
        ],
        general_feedback="Xem TCVN ISO 9000:2015.",
    ),
    question(
        "multiple_choice",
        [
            {"text": "Plan", "fraction": 0.5, "feedback": ""},
            {"text": "Do", "fraction": 0.5, "feedback": "Đúng."},
            {"text": "Approve", "fraction": -1.0, "feedback": "Không có bước này."},
            {"text": "Skip", "fraction": 0.0, "feedback": ""},
        ],
        category="Nhận thức",
    ),
    question(
        "true_false",
        [
            {"text": "true", "fraction": 0.0, "feedback": "Chưa đúng."},
            {"text": "false", "fraction": 1.0, "feedback": "Chính xác!"},
        ],
        category="Nhận thức",
    ),
    question(
        "true_false",
        [
            {"text": "true", "fraction": 1.0, "feedback": "Chính xác!"},
            {"text": "false", "fraction": 0.0, "feedback": ""},
        ],
        general_feedback="Một nguyên tắc.",
    ),
    question(
        "short_answer",
        [
            {"text": "9.2", "fraction": 1.0, "feedback": "Đúng."},
            {"text": "9", "fraction": 0.5, "feedback": ""},
            {"text": "*", "fraction": 0.0, "feedback": "Xem lại chương 9."},
        ],
        category="Xây dựng/Tài liệu và hồ sơ",
    ),
    question(
        "numerical",
        [
            {"value": 97.5, "tolerance": 2.5, "fraction": 1.0, "feedback": "Đúng."},
            {"value": -0.001, "tolerance": 1e-05, "fraction": 0.5, "feedback": ""},
            {"value": 1822.0, "tolerance": 0.0, "fraction": 0.3333333, "feedback": ""},
            {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": "Sai hoàn toàn."},
        ],
        category="Xây dựng/Tài liệu và hồ sơ",
        general_feedback="Mục tiêu chất lượng.",
    ),
    question(
        "matching",
        [
            {"text": "Tài liệu", "match": "Quy trình"},
            {"text": "Hồ sơ", "match": "Sổ theo dõi"},
            {"text": "", "match": "Chính sách"},
        ],
        text_format="html",
        text="<p>Ghép <b>cặp</b>:</p>",
        general_feedback="<i>Xem điều 7.5.</i>",
    ),
    question("essay", [], text_format="markdown", general_feedback="Nêu **nguyên nhân**."),
    question("essay", [], text="Mô tả một cải tiến."),
    question("description", [], text_format="plain", text="Phần II: duy trì hệ thống."),
]


@pytest.mark.parametrize("original", ONE_OF_EACH, ids=lambda q: q.qtype)
def test_write_then_parse_gives_back_each_type(original):
    assert_round_trip([original])


def test_write_then_parse_gives_back_a_whole_bank_with_categories():
    assert_round_trip(ONE_OF_EACH)

    written = write_gift(ONE_OF_EACH)
    assert written.count("$CATEGORY:") == 4
    assert "$CATEGORY: $course$\n" in written  # back to the bank root


def test_parsed_files_round_trip_through_the_writer():
    for name in ("moodle_examples.gift", "moodle_questions.gift", "vi_iso9001.gift"):
        assert_round_trip(parse_gift(read(name)).questions)


def test_writer_escapes_control_characters_and_keeps_literal_prefixes():
    tricky = question(
        "single_choice",
        [
            {"text": "%50% là đáp án", "fraction": 1.0, "feedback": "[html] không phải định dạng"},
            {"text": "[plain]", "fraction": 0.0, "feedback": "a #b ~c =d"},
            {"text": "x -> y", "fraction": 0.0, "feedback": "####"},
        ],
        name="::tên:: {lạ}",
        text="[html]Câu {1} = ~2 # 3 \\ 4: 5\nDòng hai _____ //",
        general_feedback="\\n không phải xuống dòng",
    )

    written = write_gift([tricky])
    assert_round_trip([tricky])
    assert written.startswith(
        "::\\:\\:tên\\:\\: \\{lạ\\}::[moodle][html]Câu \\{1\\} \\= \\~2 \\# 3"
    )


def test_writer_output_for_a_multiple_choice_question_is_readable_gift():
    written = write_gift([ONE_OF_EACH[1]])

    assert written == (
        "$CATEGORY: Nhận thức\n"
        "\n"
        "::Câu multiple_choice::Nội dung multiple_choice?{\n"
        "\t~%50%Plan\n"
        "\t~%50%Do#Đúng.\n"
        "\t~%-100%Approve#Không có bước này.\n"
        "\t~Skip\n"
        "}\n"
    )


def test_written_file_has_one_blank_line_between_questions():
    written = write_gift(ONE_OF_EACH[2:5])

    assert "\n\n\n" not in written
    assert len(parse_gift(written).questions) == 3


SAFE_TEXT = st.text(
    alphabet=st.sampled_from(list("aZ09 ếđưỡ~=#{}:\\[]%->._*\n/$")),
    min_size=1,
    max_size=30,
).map(str.strip)


@settings(max_examples=200, deadline=None, database=None)
@given(name=SAFE_TEXT, text=SAFE_TEXT, answer=SAFE_TEXT, feedback=SAFE_TEXT, general=SAFE_TEXT)
def test_any_text_survives_a_round_trip(name, text, answer, feedback, general):
    assume(text and answer)  # stripped to nothing: not a question
    original = ParsedQuestion(
        qtype="short_answer",
        name=name or text[:60],
        text=text,
        answers=[{"text": answer, "fraction": 1.0, "feedback": feedback}],
        general_feedback=general,
    )
    written = write_gift([original])
    again = parse_gift(written)

    assert again.errors == [], written
    got = dataclasses.replace(again.questions[0], line=0)
    assert comparable(got) | {"name": ""} == comparable(original) | {"name": ""}
    if name:
        assert got.name == name


def test_errors_read_in_the_language_of_the_person_importing():
    """The admin preview showed "unclosed answer block" to Vietnamese staff."""
    from django.utils import translation

    text = "Câu hỏi?{\n=a\n~b\n"
    with translation.override("vi"):
        vietnamese = [(e.line, e.message) for e in parse_gift(text).errors]
    with translation.override("en"):
        english = [(e.line, e.message) for e in parse_gift(text).errors]
    assert vietnamese == [(1, "khối đáp án mở bằng '{' nhưng chưa đóng")]
    assert english == [(1, "unclosed answer block '{'")]
