"""Every write of the quizzes area: attempts, grading, essay marks and question import."""

import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.learning.models import Enrolment, EnrolmentStatus
from courses.learning.signals import send_learning_recorded
from lms.core.audit import AuditKind, audit_record
from lms.core.queue import enqueue
from quizzes import grading
from quizzes.formats import (
    FormatError,
    ParsedQuestion,
    parse_aiken,
    parse_docx,
    parse_gift,
    parse_xlsx,
)
from quizzes.formats.docx import paragraph_place
from quizzes.formats.xlsx import row_place
from quizzes.models import (
    Attempt,
    AttemptStatus,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionType,
    QuizPage,
)
from quizzes.permissions import can_grade_attempt
from quizzes.question_html import clean_question

# Essays never count towards the automatic pass decision before a trainer marks them.
CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
MAX_RESPONSE_LENGTH = 20_000


class QuizError(Exception):
    """A refused quiz action; the message is shown to the user as is."""


# ---------------------------------------------------------------- snapshot and draw


def _new_id(taken: set[str]) -> str:
    """A random, opaque id for one choice of one attempt (72 bits; never reused in a question)."""
    while True:
        token = secrets.token_urlsafe(9)
        if token not in taken:
            taken.add(token)
            return token


def freeze_question(question: Question, *, shuffle: bool, rng: random.Random) -> dict:
    """The attempt's own copy of a question: later bank edits never change a started attempt.

    Every choice, true/false option, matching pair and matching right side gets a random id
    drawn for this attempt, so an id says nothing about bank order or correctness; grading
    maps ids back through this snapshot, which never leaves the server. Choices, pairs and
    right sides are shown in a random order unless the quiz or the question keeps the order.
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
    shuffle = shuffle and question.shuffle_answers
    taken: set[str] = set()
    if question.qtype in CHOICE_TYPES or question.qtype == QuestionType.TRUE_FALSE:
        for answer in answers:
            answer["id"] = _new_id(taken)
        # True/false keeps "Đúng" before "Sai": the order tells nothing, the ids are random.
        if shuffle and question.qtype in CHOICE_TYPES:
            rng.shuffle(answers)
    elif question.qtype == QuestionType.MATCHING:
        for answer in answers:
            answer["id"] = _new_id(taken)
        choices = [{"id": _new_id(taken), "text": m} for m in sorted({a["match"] for a in answers})]
        if shuffle:
            rng.shuffle(answers)
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
    used = cycle_attempts(user=user, quiz=quiz).count()
    return max(0, quiz.attempts_allowed - used)


def cycle_attempts(*, user, quiz: QuizPage):
    """The user's attempts of the current enrolment cycle: those started since it began (a
    renewal starts with every attempt available again). One query, the cycle as a subquery."""
    since = (
        Enrolment.objects.current()
        .filter(user=user, course__path=quiz.path[: -QuizPage.steplen])
        .values("created_at")[:1]
    )
    beginning = datetime(1970, 1, 1, tzinfo=UTC)
    return Attempt.objects.filter(
        user=user, quiz=quiz, started_at__gte=Coalesce(Subquery(since), Value(beginning))
    )


def _active_enrolment(*, user, quiz: QuizPage) -> Enrolment | None:
    course = quiz.course
    if course is None:
        return None
    return (
        Enrolment.objects.current()
        .filter(user=user, course=course)
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
    # Draws and orders from the OS generator: one attempt's order predicts no other's.
    rng = random.SystemRandom()
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


def _clean_response(question: dict, value):
    """One answer in the shape grading reads, or None; choice ids must be this attempt's."""
    qtype = question["qtype"]
    if qtype in CHOICE_TYPES or qtype == QuestionType.TRUE_FALSE:
        ids = {a.get("id") for a in question["answers"]}
        if qtype == QuestionType.MULTIPLE_CHOICE:
            values = [value] if isinstance(value, str) else value
            if isinstance(values, list):
                return [v for v in values[:50] if isinstance(v, str) and v in ids]
            return None
        return value if isinstance(value, str) and value in ids else None
    if qtype == QuestionType.MATCHING:
        if not isinstance(value, dict):
            return None
        pairs = {pair.get("id") for pair in question["answers"]}
        choices = {choice["id"] for choice in grading.matching_choices(question)}
        legacy = not grading.has_choice_ids(question)  # responses are texts, not ids
        return {
            k: v[:MAX_RESPONSE_LENGTH]
            for k, v in list(value.items())[:50]
            if k in pairs and isinstance(v, str) and (legacy or v in choices)
        }
    if qtype != QuestionType.DESCRIPTION and isinstance(value, str | int | float):
        return str(value)[:MAX_RESPONSE_LENGTH]
    return None


def clean_responses(questions: list[dict], responses) -> dict:
    """Keep only answers to questions of this attempt, in the shapes grading reads."""
    if not isinstance(responses, dict):
        raise QuizError(_("Dữ liệu trả lời không hợp lệ."))
    cleaned = {}
    for question in questions:
        qid = question["id"]
        if qid in responses:
            value = _clean_response(question, responses[qid])
            if value is not None:
                cleaned[qid] = value
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
        if locked.status == AttemptStatus.GRADED:
            send_learning_recorded("attempt", [locked.pk])
    return locked


@transaction.atomic
def attempt_grade_essay(
    *, attempt: Attempt, question_id: str, mark, feedback: str = "", grader
) -> Attempt:
    """A trainer's mark for one essay; the attempt is re-totalled and may pass.

    Invariant: the mark lies within [0, the question's mark]; only essay questions take one;
    only a grader who may grade this attempt (quizzes.permissions) gives it, else
    PermissionDenied and nothing is written.
    """
    locked = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "user")
        .get(pk=attempt.pk)
    )
    if not can_grade_attempt(grader, locked):
        raise PermissionDenied(_("Bạn không được chấm bài của học viên ngoài các lớp bạn dạy."))
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
    was_passed, was_status = locked.passed, locked.status
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
    if locked.status == AttemptStatus.GRADED and was_status != AttemptStatus.GRADED:
        send_learning_recorded("attempt", [locked.pk])  # the last essay mark settles the result
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
# Word and Excel files are read from their bytes, not from text.
FILE_PARSERS = {"docx": parse_docx, "xlsx": parse_xlsx}
IMPORT_FORMATS = (*PARSERS, *FILE_PARSERS)


def parse_questions(*, text: str = "", data: bytes = b"", fmt: str):
    if fmt in FILE_PARSERS:
        return FILE_PARSERS[fmt](data)
    if fmt not in PARSERS:
        raise QuizError(_("Định dạng không hỗ trợ: %(fmt)s") % {"fmt": fmt})
    return PARSERS[fmt](text)


# A path deeper or longer than this is a mistake in the file, not a bank layout.
MAX_CATEGORY_DEPTH = 10


def _category_parts(path: str) -> list[str]:
    return [part.strip() for part in path.split("/") if part.strip()]


def _category_errors(questions: list[ParsedQuestion], fmt: str = "") -> list[FormatError]:
    """One located error per category path the database cannot hold as a category tree."""
    place = {"docx": paragraph_place, "xlsx": row_place}.get(fmt)
    path_length = QuestionCategory._meta.get_field("path").max_length
    name_length = QuestionCategory._meta.get_field("name").max_length
    errors, seen = [], set()
    for question in questions:
        line = question.category_line or question.line
        if (line, question.category) in seen:
            continue
        seen.add((line, question.category))
        parts = _category_parts(question.category)
        if len(parts) > MAX_CATEGORY_DEPTH:
            message = _("nhóm câu hỏi lồng %(n)s cấp; tối đa %(max)s cấp") % {
                "n": len(parts),
                "max": MAX_CATEGORY_DEPTH,
            }
        elif len("/".join(parts)) > path_length:
            message = _("đường dẫn nhóm câu hỏi dài quá %(max)s ký tự") % {"max": path_length}
        elif any(len(part) > name_length for part in parts):
            message = _("tên nhóm câu hỏi dài quá %(max)s ký tự") % {"max": name_length}
        else:
            continue
        errors.append(FormatError(line, message, place(line) if place and line else ""))
    return errors


def _category_for(bank: QuestionBank, path: str, cache: dict) -> QuestionCategory | None:
    """The category of a GIFT path like "a/b/c", created with its parents when missing.

    A loop, not recursion: _category_errors has bounded the depth, but no path should be
    able to exhaust the stack.
    """
    parts = _category_parts(path)
    parent = None
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if prefix not in cache:
            cache[prefix], _created = QuestionCategory.objects.get_or_create(
                bank=bank, path=prefix, defaults={"name": parts[depth - 1], "parent": parent}
            )
        parent = cache[prefix]
    return parent


def _question_row(bank: QuestionBank, parsed: ParsedQuestion, cache: dict) -> Question:
    question = Question(
        bank=bank,
        category=_category_for(bank, parsed.category, cache),
        qtype=parsed.qtype,
        name=parsed.name[:255],
        text=parsed.text,
        text_format=parsed.text_format,
        answers=parsed.answers,
        general_feedback=parsed.general_feedback,
        default_mark=Decimal(str(parsed.default_mark)),
    )
    clean_question(question)  # bulk_create skips Question.save, which cleans the rest
    return question


def questions_import(
    *,
    bank_name: str,
    fmt: str,
    text: str = "",
    data: bytes = b"",
    dry_run: bool = False,
    actor=None,
) -> ImportResult:
    """Import GIFT/Aiken `text` or a Word/Excel file's `data` into a bank (created when missing).

    Invariants: all or nothing — a file with any error, or a dry run, writes no row; category
    paths stay within MAX_CATEGORY_DEPTH levels and the column lengths; question, answer and
    feedback HTML is cleaned to the allow-list before it is stored; an import leaves one
    "question_bank.import" audit event with the number of questions. A bank name of blanks
    raises ValidationError on "name".
    """
    named = QuestionBank(name=bank_name)
    named.clean()
    parsed = parse_questions(text=text, data=data, fmt=fmt)
    errors = sorted(
        [*parsed.errors, *_category_errors(parsed.questions, fmt)], key=lambda error: error.line
    )
    counts = dict(Counter(q.qtype for q in parsed.questions))
    result = ImportResult(
        bank=None, questions=parsed.questions, errors=errors, counts=counts, dry_run=dry_run
    )
    if errors or dry_run:
        return result
    with transaction.atomic():
        bank, _created = QuestionBank.objects.get_or_create(name=named.name)
        cache: dict[str, QuestionCategory] = {}
        Question.objects.bulk_create(_question_row(bank, q, cache) for q in parsed.questions)
        audit_record(
            actor=actor,
            verb=AuditKind.QUESTION_IMPORT,
            obj=bank,
            after={"questions": len(parsed.questions), "format": fmt},
        )
    result.bank = bank
    return result
