"""import_questions / export_questions on real files."""

from pathlib import Path

import pytest

from django.core.management import CommandError, call_command

from quizzes.models import Question, QuestionBank, QuestionCategory

FILES = Path(__file__).parent / "files"
COMPARED = ("qtype", "name", "text", "text_format", "answers", "general_feedback", "default_mark")


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_gift_prints_counts_per_type_and_creates_nested_categories(db):
    out, _err = run(
        "import_questions",
        str(FILES / "vi_iso9001.gift"),
        "--format",
        "gift",
        "--bank",
        "Nhận thức",
    )
    assert "single_choice: 1" in out
    assert "short_answer: 2" in out
    assert "essay: 1" in out
    bank = QuestionBank.objects.get(name="Nhận thức")
    assert bank.questions.count() == 9
    child = QuestionCategory.objects.get(bank=bank, path="Xây dựng/Tài liệu và hồ sơ")
    assert child.parent.path == "Xây dựng"
    assert child.questions.count() == 4


def test_import_reads_crlf_files_with_bom(db):
    crlf_out, _err = run(
        "import_questions",
        str(FILES / "vi_iso9001_crlf_bom.gift"),
        "--format",
        "gift",
        "--bank",
        "B",
    )
    plain_out, _err = run(
        "import_questions", str(FILES / "vi_iso9001.gift"), "--format", "gift", "--bank", "A"
    )

    def counts(out):
        return [line for line in out.splitlines() if not line.startswith("Imported")]

    assert counts(crlf_out) == counts(plain_out)
    assert "single_choice: 1" in counts(crlf_out)

    def fields(bank):
        return list(Question.objects.filter(bank__name=bank).order_by("pk").values_list(*COMPARED))

    assert len(fields("B")) == 9
    assert fields("B") == fields("A")


def test_import_aiken_file(db):
    out, _err = run(
        "import_questions",
        str(FILES / "vi_iso9001_crlf_bom_nfd.aiken.txt"),
        "--format",
        "aiken",
        "--bank",
        "Aiken",
    )
    assert "single_choice:" in out
    bank = QuestionBank.objects.get(name="Aiken")
    assert bank.questions.filter(qtype="single_choice", text_format="plain").exists()


@pytest.mark.parametrize(
    ("name", "fmt"), [("broken.gift", "gift"), ("aiken_malformed.txt", "aiken")]
)
def test_import_of_a_broken_file_reports_every_error_located_and_writes_nothing(
    db, capsys, name, fmt
):
    path = FILES / name
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_questions", str(path), "--format", fmt, "--bank", "Hỏng")
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line]
    assert len(lines) >= 2
    assert all(line.startswith(f"{path}:") for line in lines)
    assert all(line.split(":")[1].isdigit() for line in lines)
    assert not QuestionBank.objects.exists()
    assert not Question.objects.exists()


def test_import_command_exits_non_zero_from_the_shell(db, tmp_path):
    import subprocess
    import sys

    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "import_questions",
            str(FILES / "broken.gift"),
            "--format",
            "gift",
            "--bank",
            "X",
            "--dry-run",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode != 0
    assert f"{FILES / 'broken.gift'}:3:" in result.stderr


def test_dry_run_counts_but_writes_nothing(db):
    out, _err = run(
        "import_questions",
        str(FILES / "vi_iso9001.gift"),
        "--format",
        "gift",
        "--bank",
        "Thử",
        "--dry-run",
    )
    assert "matching: 1" in out and "Dry run" in out
    assert not QuestionBank.objects.exists() and not QuestionCategory.objects.exists()


def test_missing_or_non_utf8_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        call_command(
            "import_questions", str(tmp_path / "none.gift"), "--format", "gift", "--bank", "X"
        )
    latin = tmp_path / "latin1.gift"
    latin.write_bytes("::Câu:: Hồ sơ {T}".encode("cp1258", errors="replace") + b"\xff")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_questions", str(latin), "--format", "gift", "--bank", "X")


def test_export_unknown_bank_is_an_error(db):
    with pytest.raises(CommandError, match="unknown bank"):
        call_command("export_questions", "--bank", "Không có", "--format", "gift")


@pytest.mark.parametrize("name", ["vi_iso9001.gift", "moodle_examples.gift"])
def test_export_then_import_gives_identical_questions(db, tmp_path, name):
    run("import_questions", str(FILES / name), "--format", "gift", "--bank", "Gốc")
    exported = tmp_path / "export.gift"
    run("export_questions", "--bank", "Gốc", "--format", "gift", "--output", str(exported))
    run("import_questions", str(exported), "--format", "gift", "--bank", "Bản sao")

    def questions(bank):
        return [
            (q.category.path if q.category else "", *(getattr(q, f) for f in COMPARED))
            for q in Question.objects.filter(bank__name=bank)
            .select_related("category")
            .order_by("category__path", "pk")
        ]

    original = questions("Gốc")
    assert len(original) == QuestionBank.objects.get(name="Gốc").questions.count() > 0
    assert questions("Bản sao") == original


def test_export_writes_to_stdout_without_output(db):
    run("import_questions", str(FILES / "vi_iso9001.gift"), "--format", "gift", "--bank", "S")
    out, _err = run("export_questions", "--bank", "S", "--format", "gift")
    assert "$CATEGORY: Xây dựng/Tài liệu và hồ sơ" in out
    assert "::Số nguyên tắc::" in out
