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


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        (True, None),
        (None, None),
        (3, 3.0),
        (2.5, 2.5),
        (float("inf"), None),
        (float("nan"), None),
        ("1 822", 1822.0),
        (" 3,14 ", 3.14),
        ("1,234.5", None),  # comma and point together: not a Vietnamese decimal comma
        ("1.5", 1.5),
        ("inf", None),
        ("nan", None),
        ("", None),
        ("abc", None),
    ],
)
def test_parse_number(typed, number):
    from quizzes.grading import parse_number

    assert parse_number(typed) == number


def test_choice_fractions_outside_zero_and_one_are_clamped():
    question = choice("single_choice", 1.5, -0.5)
    assert grade_question(question, "a0").fraction == 1.0
    assert grade_question(question, "a1").fraction == 0.0
    assert grade_question(question, ["a0"]).fraction == 0.0  # a list is not a single choice
    many = choice("multiple_choice", 0.5, 0.75)
    assert grade_question(many, ["a0", "a1"]).fraction == 1.0
    assert grade_question(many, ["a1", 7, "zz"]).fraction == 0.75  # stray values ignored
    assert grade_question(many, "a1").fraction == 0.0  # a string is not a list of choices


def test_answers_without_an_id_cannot_be_chosen():
    question = choice("single_choice", 1.0)
    question["answers"].append({"text": "không có mã", "fraction": 1.0})
    assert grade_question(question, "a0").fraction == 1.0
    assert grade_question({"id": "1", "qtype": "single_choice"}, "a0").fraction == 0.0


def test_short_answer_blank_or_not_text_scores_nothing_and_best_match_wins():
    question = short_answer()
    question["answers"].append({"text": "hồ sơ", "fraction": 0.25})
    assert grade_question(question, "Hồ sơ").fraction == 1.0  # the best of two matches
    assert grade_question(question, "   ").fraction == 0.0
    assert grade_question(question, 5).fraction == 0.0
    assert grade_question({"id": "1", "qtype": "short_answer"}, "Hồ sơ").fraction == 0.0


def test_short_answer_fraction_is_clamped():
    question = {"id": "1", "qtype": "short_answer", "answers": [{"text": "a", "fraction": 2}]}
    assert grade_question(question, "A").fraction == 1.0


def test_numerical_tolerance_missing_or_negative_and_exact_binary_values():
    exact = numerical({"value": 0.3, "fraction": 1.0})  # no tolerance
    assert grade_question(exact, "0,3").fraction == 1.0
    assert grade_question(exact, str(0.1 + 0.2)).fraction == 1.0  # binary float noise
    assert grade_question(exact, "0.3001").fraction == 0.0
    negative = numerical({"value": 10.0, "tolerance": -2.0, "fraction": 1.0})
    assert grade_question(negative, "8").fraction == 1.0
    assert grade_question(negative, "7.9").fraction == 0.0
    big = numerical({"value": 1e6, "tolerance": 0.0, "fraction": 1.0})
    assert grade_question(big, "1000000.0005").fraction == 1.0  # relative epsilon: 0.001
    assert grade_question(big, "1000000.002").fraction == 0.0
    assert grade_question(numerical(), "5").fraction == 0.0
    assert grade_question(exact, None).fraction == 0.0


def test_numerical_other_answer_and_order_of_equal_fractions():
    question = numerical(
        {"value": None, "fraction": 0.25, "feedback": "khác"},
        {"value": 5.0, "tolerance": 0.0, "fraction": 0.25, "feedback": "năm"},
        {"value": 5.0, "tolerance": 1.0, "fraction": 1.5},
    )
    from quizzes.grading import best_numerical_answer

    assert best_numerical_answer(question, "100")["feedback"] == "khác"
    assert best_numerical_answer(question, "5")["fraction"] == 1.5
    assert grade_question(question, "5").fraction == 1.0
    assert grade_question(numerical({"value": 1.0, "fraction": -1.0}), "1").fraction == 0.0


def test_matching_reads_nfd_answers_and_ignores_non_text():
    question = {
        "id": "1",
        "qtype": "matching",
        "answers": [
            {"id": "p0", "text": "Điều 4", "match": "Bối cảnh"},
            {"id": "p1", "text": "Điều 5", "match": "Lãnh đạo"},
        ],
    }
    nfd = unicodedata.normalize("NFD", "Bối cảnh")
    assert grade_question(question, {"p0": nfd, "p1": 5}).fraction == 0.5
    assert grade_question(question, ["Bối cảnh"]).fraction == 0.0
    assert grade_question({"id": "1", "qtype": "matching", "answers": []}, {}).fraction == 0.0
    assert grade_question(question, {"p0": "Bối cảnh"}).mark == 0.5  # default mark 1


def test_manual_essay_mark_is_kept_inside_zero_and_the_maximum():
    essay = {"id": "e", "qtype": "essay", "mark": 4.0}
    over = grade_question(essay, "", {"mark": 9})
    assert (over.fraction, over.mark, over.max_mark, over.feedback) == (1.0, 4.0, 4.0, "")
    under = grade_question(essay, "", {"mark": -2, "feedback": "Chưa đạt"})
    assert (under.fraction, under.mark, under.feedback) == (0.0, 0.0, "Chưa đạt")
    half = grade_question(essay, "", {"mark": "1.5"})
    assert (half.fraction, half.mark, half.needs_grading) == (0.375, 1.5, False)
    waiting = grade_question(essay, "", {"mark": None})
    assert (waiting.needs_grading, waiting.mark, waiting.fraction) == (True, None, None)
    assert grade_question(essay, "", {}).needs_grading
    free = grade_question({"id": "e", "qtype": "essay", "mark": 0}, "", {"mark": 3})
    assert (free.fraction, free.mark) == (0.0, 0.0)


def test_question_mark_is_rounded_and_serialised():
    question = choice("single_choice", 1 / 3)
    question["mark"] = 1.0
    mark = grade_question(question, "a0")
    assert mark.mark == 0.3333
    assert mark.as_dict() == {
        "fraction": 1 / 3,
        "mark": 0.3333,
        "max": 1.0,
        "needs_grading": False,
        "feedback": "",
    }
    description = grade_question({"id": "d", "qtype": "description", "mark": 2}, None)
    assert description.as_dict() == {
        "fraction": None,
        "mark": None,
        "max": 0.0,
        "needs_grading": False,
        "feedback": "",
    }


def test_attempt_totals_are_rounded_and_percent_of_nothing_is_zero():
    thirds = [choice("single_choice", 1 / 3) | {"id": str(i), "mark": 1.0} for i in range(3)]
    result = grade_attempt(thirds, {"0": "a0", "1": "a0", "2": "a0"})
    assert (result.score, result.max_score) == (0.9999, 3.0)
    assert result.percent == 33.33
    assert not result.needs_grading
    empty = grade_attempt([], {})
    assert (empty.score, empty.max_score, empty.percent) == (0.0, 0.0, 0.0)
    assert list(grade_attempt(thirds, {}).marks) == ["0", "1", "2"]


def test_numerical_epsilon_and_bound_for_a_zero_value():
    zero = numerical({"value": 0.0, "tolerance": 0.0, "fraction": 1.0})
    assert grade_question(zero, "0.000000001").fraction == 1.0  # exactly the epsilon: inside
    assert grade_question(zero, "0.0000000015").fraction == 0.0
    assert grade_question({"id": "1", "qtype": "numerical"}, "0").fraction == 0.0


def test_numerical_looks_past_answers_out_of_range_and_ties_go_to_the_first():
    later = numerical({"value": 1.0, "fraction": 1.0}, {"value": 2.0, "fraction": 0.5})
    assert grade_question(later, "2").fraction == 0.5
    from quizzes.grading import best_numerical_answer

    tie = numerical(
        {"value": None, "fraction": 0.5, "feedback": "khác"},
        {"value": 5.0, "fraction": 0.5, "feedback": "năm"},
    )
    assert best_numerical_answer(tie, "5")["feedback"] == "khác"


def test_attempt_totals_round_unrounded_manual_marks_and_maxima_to_four_places():
    essay = {"id": "e", "qtype": "essay", "mark": 2.345678}
    result = grade_attempt([essay], {}, {"e": {"mark": 1.234567}})
    assert (result.score, result.max_score) == (1.2346, 2.3457)
