"""Grading is a pure function over a frozen snapshot: each question type on its own."""

import unicodedata

import pytest

from quizzes.grading import grade_attempt, grade_question


def choice(qtype, *fractions):
    return {
        "id": "1",
        "qtype": qtype,
        "mark": 2.0,
        "answers": [
            {"id": f"a{i}", "text": f"Phương án {i}", "fraction": f}
            for i, f in enumerate(fractions)
        ],
    }


def test_single_choice_scores_the_chosen_answer_fraction():
    question = choice("single_choice", 0.0, 1.0, 0.5)
    assert grade_question(question, "a1").mark == 2.0
    assert grade_question(question, "a2").fraction == 0.5
    assert grade_question(question, "a0").mark == 0.0
    assert grade_question(question, None).mark == 0.0
    assert grade_question(question, "a9").mark == 0.0


def test_multiple_choice_gives_partial_credit_and_penalties_clamped_to_zero_and_one():
    question = choice("multiple_choice", 0.5, 0.5, -1.0, -0.5)
    assert grade_question(question, ["a0"]).fraction == 0.5
    assert grade_question(question, ["a0", "a1"]).fraction == 1.0
    assert grade_question(question, ["a0", "a1", "a3"]).fraction == 0.5
    assert grade_question(question, ["a0", "a2"]).fraction == 0.0  # −0.5 clamped to 0
    assert grade_question(question, []).fraction == 0.0


def test_multiple_choice_counts_an_answer_chosen_twice_once():
    question = choice("multiple_choice", 0.5, 0.5, -1.0)
    assert grade_question(question, ["a0", "a0"]).fraction == 0.5


def test_true_false_scores_the_right_statement():
    question = {
        "id": "1",
        "qtype": "true_false",
        "mark": 1.0,
        "answers": [
            {"id": "true", "text": "true", "fraction": 0.0},
            {"id": "false", "text": "false", "fraction": 1.0},
        ],
    }
    assert grade_question(question, "false").mark == 1.0
    assert grade_question(question, "true").mark == 0.0


def short_answer():
    return {
        "id": "1",
        "qtype": "short_answer",
        "mark": 1.0,
        "answers": [
            {"text": "Hồ sơ", "fraction": 1.0},
            {"text": "Bằng chứng khách quan", "fraction": 0.5},
        ],
    }


def test_short_answer_ignores_case_and_surrounding_whitespace():
    assert grade_question(short_answer(), "  hồ SƠ ").fraction == 1.0
    assert grade_question(short_answer(), "bằng  chứng khách quan").fraction == 0.5


def test_short_answer_accepts_nfd_typed_vietnamese():
    typed = unicodedata.normalize("NFD", "Hồ sơ")
    assert typed != "Hồ sơ"
    assert grade_question(short_answer(), typed).fraction == 1.0


def test_short_answer_keeps_vietnamese_diacritics_significant():
    assert grade_question(short_answer(), "Ho so").fraction == 0.0
    assert grade_question(short_answer(), "Hổ sơ").fraction == 0.0


def numerical(*answers):
    return {"id": "1", "qtype": "numerical", "mark": 1.0, "answers": list(answers)}


def test_numerical_accepts_values_within_tolerance_only():
    question = numerical({"value": 3.1415, "tolerance": 0.0005, "fraction": 1.0})
    assert grade_question(question, "3.141").fraction == 1.0
    assert grade_question(question, "3.142").fraction == 1.0
    assert grade_question(question, "3.1421").fraction == 0.0
    assert grade_question(question, "ba phẩy mười bốn").fraction == 0.0


def test_numerical_reads_the_vietnamese_decimal_comma():
    question = numerical({"value": 97.5, "tolerance": 2.5, "fraction": 1.0})
    assert grade_question(question, "95,5").fraction == 1.0
    assert grade_question(question, "94,9").fraction == 0.0


def test_numerical_range_bounds_are_inclusive():
    # GIFT {#95..100} is read as value 97.5 ± 2.5.
    question = numerical({"value": 97.5, "tolerance": 2.5, "fraction": 1.0})
    assert grade_question(question, "95").fraction == 1.0
    assert grade_question(question, "100").fraction == 1.0
    assert grade_question(question, "100.01").fraction == 0.0


def test_numerical_takes_the_best_matching_answer():
    question = numerical(
        {"value": 1822.0, "tolerance": 2.0, "fraction": 0.5},
        {"value": 1822.0, "tolerance": 0.0, "fraction": 1.0},
        {"value": None, "tolerance": 0.0, "fraction": 0.0},
    )
    assert grade_question(question, "1822").fraction == 1.0
    assert grade_question(question, "1821").fraction == 0.5
    assert grade_question(question, "1900").fraction == 0.0


def test_matching_scores_correct_pairs_over_all_pairs():
    question = {
        "id": "1",
        "qtype": "matching",
        "mark": 3.0,
        "answers": [
            {"id": "p0", "text": "Điều 4", "match": "Bối cảnh"},
            {"id": "p1", "text": "Điều 5", "match": "Lãnh đạo"},
            {"id": "p2", "text": "Điều 10", "match": "Cải tiến"},
        ],
    }
    response = {"p0": "Bối cảnh", "p1": "Cải tiến", "p2": "Lãnh đạo"}
    mark = grade_question(question, response)
    assert mark.fraction == pytest.approx(1 / 3)
    assert mark.mark == pytest.approx(1.0)
    all_right = {"p0": "Bối cảnh", "p1": "Lãnh đạo", "p2": "Cải tiến"}
    assert grade_question(question, all_right).fraction == 1.0


def test_essay_waits_for_a_trainer_and_description_carries_no_marks():
    essay = {"id": "e", "qtype": "essay", "mark": 5.0, "answers": []}
    description = {"id": "d", "qtype": "description", "mark": 1.0, "answers": []}
    single = choice("single_choice", 0.0, 1.0)
    result = grade_attempt([description, single, essay], {"1": "a1", "e": "Bài viết"})
    assert result.needs_grading
    assert result.marks["e"].needs_grading and result.marks["e"].mark is None
    assert result.marks["d"].max_mark == 0.0
    assert result.score == 2.0 and result.max_score == 7.0


def test_attempt_total_includes_the_manual_essay_mark():
    essay = {"id": "e", "qtype": "essay", "mark": 5.0, "answers": []}
    single = choice("single_choice", 0.0, 1.0)
    result = grade_attempt([single, essay], {"1": "a1"}, {"e": {"mark": 4, "feedback": "Tốt"}})
    assert not result.needs_grading
    assert result.score == 6.0
    assert result.percent == pytest.approx(85.71)
