"""Every write of the quizzes area: attempts, grading, essay marks and question import."""

import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment, EnrolmentStatus
from lms.core.audit import AuditKind, audit_record
from lms.core.queue import enqueue
from quizzes import grading
from quizzes.formats import FormatError, ParsedQuestion, parse_aiken, parse_gift
from quizzes.models import (
    Attempt,
    AttemptStatus,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionType,
    QuizPage,
)

# Essays never count towards the automatic pass decision before a trainer marks them.
CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
MAX_RESPONSE_LENGTH = 20_000


class QuizError(Exception):
    """A refused quiz action; the message is shown to the user as is."""


# ---------------------------------------------------------------- snapshot and draw


def freeze_question(question: Question, *, shuffle: bool, rng: random.Random) -> dict:
    """The attempt's own copy of a question: later bank edits never change a started attempt.

    Choices get ids from their position in the bank ("a0", "a1", …) before shuffling, so the
    grade does not depend on the order shown.
    """
    answers = [dict(answer) for answer in question.answers]
    snapshot = {
        "id": str(question.pk),
        "question_id": question.pk,
        "qtype": question.qtype,
        "name": question.name,
        "text": question.text,
        "text_format": question.text_format,
        "general_feedback": question.general_feedback,
        "mark": float(question.default_mark),
        "answers": answers,
    }
    if question.qtype in CHOICE_TYPES:
        for index, answer in enumerate(answers):
            answer["id"] = f"a{index}"
        if shuffle:
            rng.shuffle(answers)
    elif question.qtype == QuestionType.TRUE_FALSE:
        for answer in answers:
            answer["id"] = answer["text"]
    elif question.qtype == QuestionType.MATCHING:
        for index, answer in enumerate(answers):
            answer["id"] = f"p{index}"
        choices = sorted({answer["match"] for answer in answers})
        if shuffle:
            rng.shuffle(choices)
        snapshot["choices"] = choices
    return snapshot


def _category_filter(category: QuestionCategory, include_subcategories: bool) -> Q:
    if include_subcategories:
        return Q(category__bank_id=category.bank_id) & (
            Q(category__path=category.path) | Q(category__path__startswith=category.path + "/")
        )
    return Q(category=category)


def draw_questions(quiz: QuizPage, rng: random.Random) -> list[Question]:
    """Fixed questions and random draws in slot order, never the same question twice."""
    chosen: list[Question] = []
    seen: set[int] = set()
    for slot in quiz.slots.select_related("question", "category").order_by("sort_order", "pk"):
        if slot.question_id:
            if slot.question_id not in seen:
                chosen.append(slot.question)
                seen.add(slot.question_id)
            continue
        if slot.category_id:
            pool = Question.objects.filter(
                _category_filter(slot.category, slot.include_subcategories)
            )
        elif slot.bank_id:
            pool = Question.objects.filter(bank_id=slot.bank_id)
        else:
            continue
        # A description carries no question; it is only ever placed as a fixed slot.
        pool = pool.exclude(qtype=QuestionType.DESCRIPTION)
        if slot.exclude_essays:
            pool = pool.exclude(qtype=QuestionType.ESSAY)
        candidates = list(pool.exclude(pk__in=seen).order_by("pk"))
        drawn = rng.sample(candidates, min(slot.draw_count, len(candidates)))
        chosen.extend(drawn)
        seen.update(q.pk for q in drawn)
    return chosen


# ---------------------------------------------------------------- attempts


def attempts_left(*, user, quiz: QuizPage) -> int | None:
    """None when the quiz allows unlimited attempts."""
    if not quiz.attempts_allowed:
        return None
    used = Attempt.objects.filter(user=user, quiz=quiz).count()
    return max(0, quiz.attempts_allowed - used)


def _active_enrolment(*, user, quiz: QuizPage) -> Enrolment | None:
    course = quiz.course
    if course is None:
        return None
    return (
        Enrolment.objects.filter(user=user, course=course)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .first()
    )


def can_start(*, user, quiz: QuizPage) -> bool:
    return _active_enrolment(user=user, quiz=quiz) is not None


@transaction.atomic
def attempt_start(*, user, quiz: QuizPage) -> Attempt:
    """Start or resume the user's attempt.

    Invariants: only enrolled users start; at most one attempt in progress per user and quiz
    (it is resumed, not duplicated); never more attempts than `attempts_allowed`. An attempt in
    progress whose deadline has passed is submitted first (graded on what was saved).
    """
    if _active_enrolment(user=user, quiz=quiz) is None:
        raise QuizError(_("Bạn cần ghi danh khóa học trước khi làm bài kiểm tra."))
    # Locking the user's row serialises two "start" clicks of the same person.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    current = Attempt.objects.filter(user=user, quiz=quiz, status=AttemptStatus.IN_PROGRESS).first()
    if current is not None:
        if current.deadline is None or current.deadline > timezone.now():
            return current
        attempt_submit(attempt=current)
    left = attempts_left(user=user, quiz=quiz)
    if left == 0:
        raise QuizError(_("Bạn đã dùng hết số lần làm bài kiểm tra này."))
    rng = random.Random()  # noqa: S311 - a draw order, not a secret
    questions = draw_questions(quiz, rng)
    if not questions:
        raise QuizError(_("Bài kiểm tra chưa có câu hỏi."))
    number = (
        Attempt.objects.filter(user=user, quiz=quiz)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    now = timezone.now()
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        questions=[freeze_question(q, shuffle=quiz.shuffle_answers, rng=rng) for q in questions],
        deadline=(
            now + timezone.timedelta(minutes=quiz.time_limit_minutes)
            if quiz.time_limit_minutes
            else None
        ),
    )
    # auto_now_add sets started_at itself; keep the deadline exactly one time limit after it.
    if attempt.deadline is not None:
        attempt.deadline = attempt.started_at + timezone.timedelta(minutes=quiz.time_limit_minutes)
        attempt.save(update_fields=["deadline"])
    return attempt


def clean_responses(questions: list[dict], responses) -> dict:
    """Keep only answers to questions of this attempt, in the shapes grading reads."""
    if not isinstance(responses, dict):
        raise QuizError(_("Dữ liệu trả lời không hợp lệ."))
    cleaned = {}
    for question in questions:
        qid = question["id"]
        if qid not in responses:
            continue
        value = responses[qid]
        qtype = question["qtype"]
        if qtype == QuestionType.MULTIPLE_CHOICE:
            if isinstance(value, str):
                value = [value]
            if isinstance(value, list):
                cleaned[qid] = [str(v)[:20] for v in value[:50]]
        elif qtype == QuestionType.MATCHING:
            if isinstance(value, dict):
                cleaned[qid] = {
                    str(k)[:20]: str(v)[:MAX_RESPONSE_LENGTH] for k, v in list(value.items())[:50]
                }
        elif qtype != QuestionType.DESCRIPTION and isinstance(value, str | int | float):
            cleaned[qid] = str(value)[:MAX_RESPONSE_LENGTH]
    return cleaned


def _is_open(attempt: Attempt, now) -> bool:
    return attempt.status == AttemptStatus.IN_PROGRESS and (
        attempt.deadline is None or now <= attempt.deadline
    )


def attempt_save_responses(*, attempt: Attempt, responses: dict) -> Attempt:
    """Autosave. Invariant: nothing is written after the deadline or after submission, so the
    saved responses are always those given in time."""
    cleaned = clean_responses(attempt.questions, responses)
    now = timezone.now()
    open_attempt = Q(deadline__isnull=True) | Q(deadline__gte=now)
    updated = Attempt.objects.filter(
        open_attempt, pk=attempt.pk, status=AttemptStatus.IN_PROGRESS
    ).update(responses=cleaned)
    if not updated:
        raise QuizError(_("Bài làm đã được nộp hoặc đã hết giờ; câu trả lời không được lưu."))
    attempt.responses = cleaned
    return attempt


def _apply_grade(attempt: Attempt) -> None:
    manual = {
        qid: mark for qid, mark in (attempt.marks or {}).items() if mark.get("manual") is True
    }
    result = grading.grade_attempt(attempt.questions, attempt.responses or {}, manual)
    marks = {}
    for qid, mark in result.marks.items():
        marks[qid] = mark.as_dict()
        if qid in manual:
            marks[qid].update(manual=True, grader_id=manual[qid].get("grader_id"))
    attempt.marks = marks
    attempt.score = Decimal(str(result.score))
    attempt.max_score = Decimal(str(result.max_score))
    attempt.percent = Decimal(str(result.percent))
    if result.needs_grading:
        attempt.status = AttemptStatus.NEEDS_GRADING
        attempt.passed = None
    else:
        attempt.status = AttemptStatus.GRADED
        attempt.passed = attempt.percent >= attempt.quiz.pass_mark_percent


def _mark_quiz_done(attempt: Attempt) -> None:
    """A passed quiz counts as a completed activity of the course.

    Recorded after commit by a task: course completion re-evaluation reads the whole course,
    which would otherwise make every submission cost as much as the course is large.
    """
    from quizzes.tasks import attempt_record_pass

    attempt_id = attempt.pk
    # Broker down: record the pass in this request rather than lose it.
    transaction.on_commit(
        lambda: enqueue(attempt_record_pass, attempt_id) or attempt_record_pass(attempt_id)
    )


def attempt_submit(*, attempt: Attempt, responses: dict | None = None) -> Attempt:
    """Submit and grade once.

    Invariants: an attempt is graded exactly once (the row is locked; a second submission
    returns the first result). Late policy: responses sent after the deadline are ignored and
    the attempt is graded on what was saved up to the deadline.
    """
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz", "user")
            .get(pk=attempt.pk)
        )
        if locked.status != AttemptStatus.IN_PROGRESS:
            return locked
        now = timezone.now()
        if responses is not None and _is_open(locked, now):
            locked.responses = clean_responses(locked.questions, responses)
        locked.submitted_at = now
        _apply_grade(locked)
        locked.save(
            update_fields=[
                "responses",
                "marks",
                "status",
                "submitted_at",
                "score",
                "max_score",
                "percent",
                "passed",
            ]
        )
        if locked.passed:
            _mark_quiz_done(locked)
    return locked


@transaction.atomic
def attempt_grade_essay(
    *, attempt: Attempt, question_id: str, mark, feedback: str = "", grader
) -> Attempt:
    """A trainer's mark for one essay; the attempt is re-totalled and may pass.

    Invariant: the mark lies within [0, the question's mark]; only essay questions take one.
    """
    locked = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "user")
        .get(pk=attempt.pk)
    )
    if locked.status == AttemptStatus.IN_PROGRESS:
        raise QuizError(_("Bài làm chưa được nộp."))
    question = next((q for q in locked.questions if q["id"] == str(question_id)), None)
    if question is None or question["qtype"] != QuestionType.ESSAY:
        raise QuizError(_("Không tìm thấy câu tự luận này trong bài làm."))
    try:
        value = float(grading.parse_number(mark))
    except TypeError:
        raise QuizError(_("Điểm phải là một số.")) from None
    if not 0 <= value <= question["mark"]:
        raise QuizError(
            _("Điểm phải nằm trong khoảng 0 đến %(max)s.") % {"max": f"{question['mark']:g}"}
        )
    was_passed = locked.passed
    marks = dict(locked.marks or {})
    marks[str(question_id)] = {
        "mark": value,
        "feedback": feedback,
        "manual": True,
        "grader_id": grader.pk,
    }
    locked.marks = marks
    before = {"score": locked.score, "percent": locked.percent, "passed": locked.passed}
    _apply_grade(locked)
    locked.save(update_fields=["marks", "status", "score", "max_score", "percent", "passed"])
    audit_record(
        actor=grader,
        verb=AuditKind.ATTEMPT_GRADE,
        obj=locked,
        before=before,
        after={
            "question": question.get("name") or str(question_id),
            "mark": value,
            "score": locked.score,
            "percent": locked.percent,
            "passed": locked.passed,
        },
    )
    if locked.passed and not was_passed:
        _mark_quiz_done(locked)
    return locked


# ---------------------------------------------------------------- import / export


@dataclass
class ImportResult:
    bank: QuestionBank | None
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


PARSERS = {"gift": parse_gift, "aiken": parse_aiken}


def parse_questions(*, text: str, fmt: str):
    if fmt not in PARSERS:
        raise QuizError(_("Định dạng không hỗ trợ: %(fmt)s") % {"fmt": fmt})
    return PARSERS[fmt](text)


def _category_for(bank: QuestionBank, path: str, cache: dict) -> QuestionCategory | None:
    """Create the category and its parents from a GIFT path like "a/b/c"."""
    path = "/".join(part.strip() for part in path.split("/") if part.strip())
    if not path:
        return None
    if path in cache:
        return cache[path]
    parent_path, _sep, name = path.rpartition("/")
    parent = _category_for(bank, parent_path, cache) if parent_path else None
    category, _created = QuestionCategory.objects.get_or_create(
        bank=bank, path=path, defaults={"name": name, "parent": parent}
    )
    cache[path] = category
    return category


def questions_import(
    *, bank_name: str, text: str, fmt: str, dry_run: bool = False, actor=None
) -> ImportResult:
    """Import GIFT/Aiken text into a bank (created when missing).

    Invariant: all or nothing — a file with any error, or a dry run, writes no row; an import
    leaves one "question_bank.import" audit event with the counts per question type.
    """
    parsed = parse_questions(text=text, fmt=fmt)
    counts = dict(Counter(q.qtype for q in parsed.questions))
    result = ImportResult(
        bank=None, questions=parsed.questions, errors=parsed.errors, counts=counts, dry_run=dry_run
    )
    if parsed.errors or dry_run:
        return result
    with transaction.atomic():
        bank, _created = QuestionBank.objects.get_or_create(name=bank_name.strip())
        cache: dict[str, QuestionCategory] = {}
        Question.objects.bulk_create(
            Question(
                bank=bank,
                category=_category_for(bank, q.category, cache),
                qtype=q.qtype,
                name=q.name[:255],
                text=q.text,
                text_format=q.text_format,
                answers=q.answers,
                general_feedback=q.general_feedback,
                default_mark=Decimal(str(q.default_mark)),
            )
            for q in parsed.questions
        )
        audit_record(
            actor=actor,
            verb=AuditKind.QUESTION_IMPORT,
            obj=bank,
            after={"questions": len(parsed.questions), "format": fmt},
        )
    result.bank = bank
    return result
