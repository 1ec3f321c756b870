"""The embedded default (a SQLite file) survives a classroom clicking at the same moment."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from django.db import connection

from quizzes.services import questions_import

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = 12
QUESTIONS = """
::Q1:: Hồ sơ là bằng chứng của hoạt động đã thực hiện. {T}

::Q2:: Tiêu chuẩn về hệ thống quản lý chất lượng là {=TCVN ISO 9001 ~TCVN ISO 14001}

::Q3:: Tài liệu được kiểm soát khi {=được phê duyệt trước khi ban hành ~được in ra}
"""


def _copy_test_database(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)


@pytest.mark.django_db(transaction=True)
def test_classroom_of_simultaneous_quiz_starts_and_submits_on_a_sqlite_file(
    tmp_path, course, make_quiz, make_user, enrol
):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default's options are for SQLite")
    bank = questions_import(bank_name="Lớp học", text=QUESTIONS, fmt="gift").bank
    quiz = make_quiz(course, slots=[{"bank": bank, "draw_count": 3}])
    for n in range(CLASSROOM):
        enrol(make_user(email=f"lop-{n}@example.vn"), course)
    database = tmp_path / "db.sqlite3"
    _copy_test_database(database)

    result = subprocess.run(  # noqa: S603 - our own module, our own interpreter
        [sys.executable, "-m", "tests.reliability.sqlite_classroom", str(quiz.pk)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["errors"] == []
    assert report["engine"] == "django.db.backends.sqlite3"
    assert report["journal_mode"] == "wal"
    assert report["people"] == CLASSROOM
    assert report["attempts"] == CLASSROOM  # one each, in spite of the double clicks
    assert report["graded"] == CLASSROOM
    assert report["completed"] == CLASSROOM


def _options_for(database_url: str) -> dict:
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [
            sys.executable,
            "-c",
            "import json; from lms.settings import base; "
            "print(json.dumps(base.DATABASES['default'].get('OPTIONS', {})))",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sqlite_options_apply_only_to_sqlite(tmp_path):
    sqlite = _options_for(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert sqlite["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in sqlite["init_command"]
    assert sqlite["timeout"] >= 10

    postgres = _options_for("postgres://lms@127.0.0.1:5432/lms")
    assert not {"transaction_mode", "init_command", "timeout"} & set(postgres)
