"""A classroom starting and submitting one quiz at the same moment on a SQLite file.

Run by tests/reliability/test_sqlite_concurrency.py in its own process, so that Django opens
the file with the options lms.settings.base gives SQLite (the test database is in memory):

    DATABASE_URL=sqlite:////path/db.sqlite3 python -m tests.reliability.sqlite_classroom QUIZ_ID

Prints one JSON object: the errors raised, the attempts and enrolments found afterwards.
"""

import json
import os
import sys
import threading


def main(quiz_id: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()

    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from courses.models import Enrolment
    from lms.accounts.models import User
    from quizzes.models import Attempt, AttemptStatus, QuizPage
    from quizzes.services import attempt_submit
    from tests.quizzes.test_attempts import right_answers

    settings.ALLOWED_HOSTS = ["*"]
    quiz = QuizPage.objects.get(pk=quiz_id)
    people = list(User.objects.filter(email__startswith="lop-").order_by("pk"))
    barrier = threading.Barrier(len(people))
    errors = []

    def click(person):
        try:
            client = Client(raise_request_exception=True)
            client.force_login(person)
            barrier.wait()
            for _ in range(2):  # a double click on "Bắt đầu"
                response = client.post(f"/quizzes/{quiz.pk}/start/")
                if response.status_code != 302:
                    errors.append(f"start answered {response.status_code}")
            attempt = Attempt.objects.get(user=person, quiz=quiz)
            attempt_submit(attempt=attempt, responses=right_answers(attempt))
        except Exception as error:  # noqa: BLE001 - every error is what the test reports
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    attempts = Attempt.objects.filter(quiz=quiz)
    with connections["default"].cursor() as cursor:
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    return {
        "engine": settings.DATABASES["default"]["ENGINE"],
        "journal_mode": journal_mode,
        "people": len(people),
        "errors": errors,
        "attempts": attempts.count(),
        "graded": attempts.filter(status=AttemptStatus.GRADED, passed=True).count(),
        "completed": Enrolment.objects.filter(user__in=people, completions__page=quiz).count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
