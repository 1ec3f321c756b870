"""GIFT $CATEGORY paths are bounded (depth and column lengths): a hostile file gets a located
Vietnamese error and writes nothing, through the command and the admin import alike."""

from io import StringIO

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from quizzes.formats import parse_aiken
from quizzes.models import Question, QuestionBank, QuestionCategory
from quizzes.services import MAX_CATEGORY_DEPTH, questions_import

QUESTION = "::Câu::ISO 9001 có bao nhiêu nguyên tắc?{=7 ~5}"


def gift_with_category(path: str) -> str:
    return f"{QUESTION}\n\n// nhóm sâu\n$CATEGORY: $course$/{path}\n\n{QUESTION}\n"


def deep(levels: int) -> str:
    return "/".join(f"c{n}" for n in range(levels))


def import_command(path):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "import_questions", str(path), "--format", "gift", "--bank", "Sâu", stdout=out,
            stderr=err,
        )  # fmt: skip
    return err.getvalue()


def assert_nothing_written():
    assert not QuestionBank.objects.exists()
    assert not QuestionCategory.objects.exists()
    assert not Question.objects.exists()


def test_command_refuses_a_3000_level_category_with_a_located_error(db, tmp_path):
    path = tmp_path / "sau.gift"
    path.write_text(gift_with_category(deep(3000)), encoding="utf-8")
    err = import_command(path)
    assert f"{path}:4: nhóm câu hỏi lồng 3000 cấp; tối đa 10 cấp" in err
    assert err.count(f"{path}:") == 1
    assert_nothing_written()


def test_admin_import_refuses_a_3000_level_category(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("sau.gift", gift_with_category(deep(3000)).encode())
    response = client.post(
        "/admin/questions/import/", {"file": upload, "fmt": "gift", "bank": "Sâu"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 4: nhóm câu hỏi lồng 3000 cấp; tối đa 10 cấp" in content
    assert "Xác nhận nhập" not in content and not response.context["token"]
    # A forged confirm carries no file of its own: only a token the preview handed out.
    confirm = client.post(
        "/admin/questions/import/",
        {"confirm": "1", "fmt": "gift", "bank": "Sâu", "text": gift_with_category(deep(3000))},
        follow=True,
    )
    assert "hãy tải tệp câu hỏi lên lại" in confirm.content.decode()
    assert_nothing_written()


def test_ten_levels_import_and_eleven_do_not(db):
    ok = questions_import(
        bank_name="Mười", text=gift_with_category(deep(MAX_CATEGORY_DEPTH)), fmt="gift"
    )
    assert ok.ok
    leaf = QuestionCategory.objects.get(path=deep(MAX_CATEGORY_DEPTH))
    assert leaf.parent.path == deep(MAX_CATEGORY_DEPTH - 1)
    assert QuestionCategory.objects.count() == MAX_CATEGORY_DEPTH
    refused = questions_import(
        bank_name="Mười một", text=gift_with_category(deep(MAX_CATEGORY_DEPTH + 1)), fmt="gift"
    )
    assert [(e.line, e.message) for e in refused.errors] == [
        (4, "nhóm câu hỏi lồng 11 cấp; tối đa 10 cấp")
    ]
    assert not QuestionBank.objects.filter(name="Mười một").exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/".join(["x" * 100] * 6), "đường dẫn nhóm câu hỏi dài quá 500 ký tự"),
        ("a/" + "y" * 151, "tên nhóm câu hỏi dài quá 150 ký tự"),
    ],
)
def test_category_longer_than_its_columns_is_a_located_error(db, tmp_path, path, message):
    file = tmp_path / "dai.gift"
    file.write_text(gift_with_category(path), encoding="utf-8")
    assert f"{file}:4: {message}" in import_command(file)
    assert_nothing_written()


def test_aiken_reader_has_no_recursion_on_a_huge_file():
    lines = []
    for n in range(20_000):
        lines += [f"Câu {n}?", "A. Có", "B. Không", "ANSWER: A"]
    result = parse_aiken("\n".join(lines))
    assert result.errors == [] and len(result.questions) == 20_000
