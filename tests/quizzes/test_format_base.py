"""Helpers shared by the question-format readers: default names and quoted snippets."""

from quizzes.formats.base import default_name, shorten


def test_default_name_drops_markup_unless_the_text_is_plain():
    assert default_name("<p>Hồ sơ  <b>là</b> gì?</p>") == "Hồ sơ là gì?"
    assert default_name("Hồ sơ <b> là gì?", "html") == "Hồ sơ là gì?"
    assert default_name("a <b> c", "plain") == "a <b> c"


def test_default_name_is_cut_to_sixty_characters_or_falls_back():
    assert default_name("x" * 61 + " y") == "x" * 60
    assert default_name("<br>  ") == "Question"


def test_shorten_keeps_up_to_the_limit_and_marks_the_cut():
    assert shorten("  a \n\t b ") == "a b"
    assert shorten("x" * 40) == "x" * 40
    assert shorten("x" * 41) == "x" * 39 + "…"
    assert shorten("Nguyễn Thị Hồng Nhung", 10) == "Nguyễn Th…"
    assert shorten("abcde", 5) == "abcde"
