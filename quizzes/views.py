import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courses.learning.models import Enrolment
from lms.accounts import roles
from lms.core.exports import spreadsheet_row
from quizzes import selectors
from quizzes.forms import EssayMarkForm, responses_from_post
from quizzes.models import Attempt, AttemptStatus, QuestionType, QuizPage, ReviewPolicy
from quizzes.permissions import can_grade_attempt, can_see_results
from quizzes.services import (
    QuizError,
    attempt_grade_essay,
    attempt_save_responses,
    attempt_start,
    attempt_submit,
    attempts_left,
)

RESULT_ROLES = (roles.TRAINER, roles.DOST_OFFICER, roles.EDITOR)


def _own_attempt(request, attempt_id) -> Attempt:
    """Another person's attempt does not exist for this user (404, not 403)."""
    return get_object_or_404(
        Attempt.objects.select_related("quiz"), pk=attempt_id, user=request.user
    )


def _require_results_role(user):
    if not any(roles.has_role(user, role) for role in RESULT_ROLES):
        raise PermissionDenied


def _quiz_for_results(request, quiz_id) -> QuizPage:
    _require_results_role(request.user)
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    if not can_see_results(request.user, quiz):
        raise Http404
    return quiz


@login_required
@require_POST
def start(request, quiz_id):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except QuizError as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@login_required
def attempt_page(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    remaining = None
    if attempt.deadline is not None:
        remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": selectors.questions_for_display(attempt),
            "remaining_seconds": remaining,
        },
    )


@login_required
@require_POST
def autosave(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    try:
        attempt_save_responses(
            attempt=attempt, responses=responses_from_post(attempt.questions, request.POST)
        )
    except QuizError as error:
        return JsonResponse({"saved": False, "error": str(error)}, status=409)
    return JsonResponse({"saved": True, "at": timezone.now().isoformat()})


@login_required
@require_POST
def submit(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    attempt = attempt_submit(
        attempt=attempt, responses=responses_from_post(attempt.questions, request.POST)
    )
    return redirect("quizzes:result", attempt_id=attempt.pk)


def _review_allowed(attempt: Attempt, viewer) -> bool:
    if viewer.pk != attempt.user_id:
        return True  # trainers and officers reviewing results
    policy = attempt.quiz.review_policy
    if policy == ReviewPolicy.IMMEDIATELY:
        return True
    if policy == ReviewPolicy.AFTER_PASS:
        return bool(attempt.passed)
    if policy == ReviewPolicy.AFTER_LAST_ATTEMPT:
        return attempts_left(user=attempt.user, quiz=attempt.quiz) == 0
    return False


@login_required
def result(request, attempt_id):
    attempt = get_object_or_404(Attempt.objects.select_related("quiz", "user"), pk=attempt_id)
    if attempt.user_id != request.user.pk and not can_grade_attempt(request.user, attempt):
        raise Http404
    if attempt.status == AttemptStatus.IN_PROGRESS:
        if attempt.user_id == request.user.pk:
            return redirect("quizzes:attempt", attempt_id=attempt.pk)
        raise Http404
    review = _review_allowed(attempt, request.user)
    course_completed = (
        attempt.passed
        and attempt.user_id == request.user.pk
        and Enrolment.objects.current()
        .filter(
            user=request.user,
            course_id=attempt.quiz.get_parent().pk,
            completed_at__isnull=False,
        )
        .exists()
    )
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course_completed": course_completed,
            "review": review,
            "show_feedback": review and attempt.quiz.show_feedback,
            "rows": selectors.review_rows(attempt) if review else [],
        },
    )


@login_required
def results_index(request):
    _require_results_role(request.user)
    quizzes = list(selectors.quizzes_for_results(request.user))
    return render(
        request,
        "quizzes/results_index.html",
        {
            "rows": [(quiz, selectors.quiz_summary(quiz, user=request.user)) for quiz in quizzes],
            "pending": selectors.essay_queue(quizzes, user=request.user)[:50],
        },
    )


@login_required
def quiz_results(request, quiz_id):
    quiz = _quiz_for_results(request, quiz_id)
    return render(
        request,
        "quizzes/quiz_results.html",
        {
            "quiz": quiz,
            "summary": selectors.quiz_summary(quiz, user=request.user),
            "attempts": selectors.finished_attempts(quiz, user=request.user),
        },
    )


ANALYSIS_COLUMNS = [
    ("name", gettext_lazy("Câu hỏi")),
    ("qtype_label", gettext_lazy("Loại")),
    ("attempts", gettext_lazy("Số lượt")),
    ("facility", gettext_lazy("Chỉ số dễ")),
    ("discrimination", gettext_lazy("Chỉ số phân biệt")),
]


def _analysis_table(rows):
    header = [str(label) for _key, label in ANALYSIS_COLUMNS]
    body = [
        [row[key] if row[key] is not None else "" for key, _label in ANALYSIS_COLUMNS]
        for row in rows
    ]
    return header, body


@login_required
def item_analysis(request, quiz_id):
    quiz = _quiz_for_results(request, quiz_id)
    rows = selectors.item_analysis(quiz, user=request.user)
    for row in rows:
        row["qtype_label"] = str(QuestionType(row["qtype"]).label)
    export = request.GET.get("format")
    filename = f"phan-tich-cau-hoi-{quiz.pk}"
    if export == "csv":
        header, body = _analysis_table(rows)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"{filename}.csv")
        response.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly only with a BOM
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(spreadsheet_row(line) for line in body)
        return response
    if export == "xlsx":
        from openpyxl import Workbook

        header, body = _analysis_table(rows)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Phân tích câu hỏi")[:31]
        sheet.append(header)
        for line in body:
            sheet.append(spreadsheet_row(line))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
        return response
    return render(request, "quizzes/item_analysis.html", {"quiz": quiz, "rows": rows})


@login_required
def grade_essays(request, attempt_id):
    attempt = get_object_or_404(Attempt.objects.select_related("quiz", "user"), pk=attempt_id)
    _require_results_role(request.user)
    if not can_grade_attempt(request.user, attempt):
        raise Http404  # another trainer's trainee is not acknowledged to exist
    form = EssayMarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attempt_grade_essay(
                attempt=attempt,
                question_id=form.cleaned_data["question_id"],
                mark=form.cleaned_data["mark"],
                feedback=form.cleaned_data["feedback"],
                grader=request.user,
            )
        except QuizError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã lưu điểm."))
            return redirect("quizzes:grade_essays", attempt_id=attempt.pk)
    essays = [
        {
            "question": q,
            "response": (attempt.responses or {}).get(q["id"], ""),
            "mark": (attempt.marks or {}).get(q["id"], {}),
        }
        for q in attempt.questions
        if q["qtype"] == QuestionType.ESSAY
    ]
    return render(
        request,
        "quizzes/grade_essays.html",
        {"attempt": attempt, "quiz": attempt.quiz, "essays": essays, "form": form},
    )
