"""Learning pages: catalogue, course and lesson contexts, enrolment and progress actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail.models import Page

from courses.learning import lesson_cache, rules, selectors
from courses.learning.enrolment import (
    EnrolmentNotAllowed,
    enrolment_bulk_create,
    enrolment_create,
    enrolment_create_by_email,
    enrolment_renew,
    missing_prerequisites,
)
from courses.learning.forms import EnrolBulkForm, EnrolOneForm
from courses.learning.models import Enrolment, EnrolmentSource, EnrolmentStatus
from courses.learning.pages import CoursePage, Edition, Language, LessonPage, Track
from courses.learning.permissions import can_manage_enrolments
from courses.learning.progress import activity_mark_done
from lms.accounts import roles
from lms.core.pagecache import pages_version
from lms.core.text import vietnamese_sort_key

CATALOGUE_CACHE_SECONDS = 600


def _choice(value: str, choices) -> str:
    return value if value in dict(choices) else ""


def catalogue_filters(request) -> dict:
    """Track, edition and language from GET; the language defaults to the UI language."""
    language = request.GET.get("language")
    if language is None:
        language = (get_language() or "vi")[:2]
    return {
        "track": _choice(request.GET.get("track", ""), Track.choices),
        "edition": _choice(request.GET.get("edition", ""), Edition.choices),
        "language": _choice(language, Language.choices),
    }


def catalogue_context(request, index) -> dict:
    filters = catalogue_filters(request)
    context = {
        "filters": filters,
        "track_choices": Track.choices,
        "edition_choices": Edition.choices,
        "language_choices": Language.choices,
    }
    if not request.user.is_authenticated:
        # Anonymous visitors all see the same list: render it once per filter set and
        # language until a page is published (the version key is bumped on publish).
        version = pages_version()
        key = "courses:catalogue:{}:{}:{}:{}:{}:{}".format(
            version, index.pk, get_language(), *filters.values()
        )
        html = cache.get(key)
        if html is None:
            courses = list(selectors.catalogue_courses(index=index, **filters))
            html = render_to_string(
                "courses/includes/catalogue_list.html",
                {"items": [{"course": course} for course in courses]},
            )
            cache.set(key, html, CATALOGUE_CACHE_SECONDS)
        context["catalogue_html"] = html
        return context
    courses = list(selectors.catalogue_courses(index=index, **filters))
    progress = selectors.courses_progress(courses=courses, user=request.user)
    context["items"] = [{"course": course, "progress": progress[course.pk]} for course in courses]
    return context


def _enrolled(progress) -> bool:
    enrolment = progress.enrolment
    return enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN


def course_context(request, course: CoursePage) -> dict:
    user = request.user
    progress = selectors.course_progress(course=course, user=user)
    enrolled = _enrolled(progress)
    missing = []
    if user.is_authenticated and not enrolled:
        missing = missing_prerequisites(user=user, course=course)
    completed = enrolled and progress.enrolment.completed_at is not None
    return {
        "progress": progress,
        "enrolled": enrolled,
        # Asked only of people who completed: the page costs the others nothing more.
        "renewal_due": completed
        and rules.renewal_due(user=user, course=course, enrolment=progress.enrolment),
        "missing_prerequisites": missing,
        "prerequisites": list(course.prerequisites.all()),
        "can_manage_enrolments": can_manage_enrolments(user),
    }


def _course_of(lesson: Page) -> CoursePage | None:
    if not hasattr(lesson, "_learning_course"):
        lesson._learning_course = CoursePage.objects.filter(
            path=lesson.path[: -Page.steplen]
        ).first()
    return lesson._learning_course


def lesson_login_redirect(request, lesson: LessonPage):
    """Anonymous visitors of a lesson in a closed course go to the sign-in page first."""
    if request.user.is_authenticated:
        return None
    course = _course_of(lesson)
    if course is not None and course.is_open:
        return None
    return redirect_to_login(request.get_full_path())


def serve_lesson(request, lesson: LessonPage, serve, *args, **kwargs):
    """Anonymous visitors of a closed course sign in first; signed-in trainees get the page
    from the lesson cache when their page is stored (courses.learning.lesson_cache)."""
    redirect_response = lesson_login_redirect(request, lesson)
    if redirect_response is not None:
        return redirect_response
    course = _course_of(lesson)
    if course is None:
        raise Http404
    return lesson_cache.serve_lesson(request, lesson, lambda: serve(request, *args, **kwargs))


def lesson_context(request, lesson: LessonPage) -> dict:
    course = _course_of(lesson)
    if course is None:
        raise Http404
    progress = selectors.course_progress(course=course, user=request.user)
    enrolled = _enrolled(progress)
    previous, following = progress.neighbours(lesson)
    return {
        "course": course,
        "progress": progress,
        "enrolled": enrolled,
        # Staff read every lesson so trainers can prepare and editors can check content.
        "can_read": enrolled or course.is_open or request.user.is_staff,
        "is_done": lesson.pk in progress.done_ids,
        "previous_page": previous,
        "next_page": following,
    }


def catalogue_redirect(request):
    url = selectors.catalogue_url()
    if not url:
        raise Http404(_("Chưa có danh mục khóa học."))
    return redirect(url)


@login_required
def my_learning(request):
    return render(
        request,
        "courses/my_learning.html",
        {
            "items": selectors.learning_for_user(user=request.user),
            "history": rules.learning_history(user=request.user),
        },
    )


def _live_course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), pk=course_id)


@login_required
@require_POST
def course_enrol(request, course_id: int):
    course = _live_course(course_id)
    try:
        enrolment_create(user=request.user, course=course, source=EnrolmentSource.SELF)
    except EnrolmentNotAllowed as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course.get_url(request))
    messages.success(request, _("Bạn đã ghi danh khóa học “%(title)s”.") % {"title": course.title})
    return redirect("courses:resume", course_id=course.pk)


@login_required
def course_renew(request, course_id: int):
    """GET: confirm "Học lại để gia hạn" (the expiry e-mail links here); POST: start the cycle."""
    course = _live_course(course_id)
    if request.method != "POST":
        due = rules.renewal_due(user=request.user, course=course)
        return render(request, "courses/renew.html", {"course": course, "due": due})
    try:
        enrolment_renew(user=request.user, course=course)
    except EnrolmentNotAllowed as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course.get_url(request))
    messages.success(
        request,
        _("Bạn đã bắt đầu học lại khóa học “%(title)s” để gia hạn chứng nhận.")
        % {"title": course.title},
    )
    return redirect("courses:resume", course_id=course.pk)


@login_required
def course_resume(request, course_id: int):
    """Go to the first unfinished activity of the course (or the course page when done)."""
    course = _live_course(course_id)
    progress = selectors.course_progress(course=course, user=request.user)
    target = progress.next_activity if _enrolled(progress) else None
    return redirect((target or course).get_url(request))


@login_required
@require_POST
def activity_done(request, page_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=page_id)
    course = _course_of(lesson)
    if course is None:
        raise Http404
    completion = activity_mark_done(user=request.user, page=lesson)
    if completion is None:
        messages.error(request, _("Bạn cần ghi danh khóa học trước khi đánh dấu hoàn thành."))
        return redirect(course.get_url(request))
    if request.POST.get("next"):
        progress = selectors.course_progress(course=course, user=request.user)
        _previous, following = progress.neighbours(lesson)
        if following is not None:
            return redirect(following.get_url(request))
        if progress.enrolment and progress.enrolment.completed_at:
            messages.success(request, _("Chúc mừng! Bạn đã hoàn thành khóa học."))
        return redirect(course.get_url(request))
    return redirect(lesson.get_url(request))


def _enrolments_in_scope(user, course):
    enrolments = (
        Enrolment.objects.current().filter(course=course).select_related("user", "user__agency")
    )
    if not roles.has_role(user, roles.TRAINER):
        enrolments = enrolments.filter(user__agency_id__in=user.agency.descendant_ids())
    return enrolments.order_by("user__full_name")


@login_required
def course_enrolments(request, course_id: int):
    """Trainers and agency secretaries enrol people one by one or from a CSV/XLSX list."""
    user = request.user
    if not can_manage_enrolments(user):
        raise PermissionDenied
    if not roles.has_role(user, roles.TRAINER) and not user.agency_id:
        raise PermissionDenied
    course = _live_course(course_id)
    one_form, bulk_form = EnrolOneForm(prefix="one"), EnrolBulkForm(prefix="bulk")
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "bulk":
            bulk_form = EnrolBulkForm(request.POST, request.FILES, prefix="bulk")
            if bulk_form.is_valid():
                upload = bulk_form.cleaned_data["file"]
                result = enrolment_bulk_create(
                    course=course, data=upload.read(), filename=upload.name, actor=user
                )
                if result.ok:
                    messages.success(
                        request,
                        _("Đã ghi danh %(created)s người; %(existing)s người đã có trước đó.")
                        % {"created": result.created, "existing": result.existing},
                    )
                    return redirect("courses:enrolments", course_id=course.pk)
                errors = result.errors
            status = 400
        else:
            one_form = EnrolOneForm(request.POST, prefix="one")
            if one_form.is_valid():
                try:
                    done = enrolment_create_by_email(
                        actor=user, course=course, email=one_form.cleaned_data["email"]
                    )
                except EnrolmentNotAllowed as error:
                    one_form.add_error("email", " ".join(error.messages))
                else:
                    message = (
                        _("Đã ghi danh %(name)s.")
                        if done.created
                        else _("%(name)s đã được ghi danh từ trước.")
                    )
                    messages.success(request, message % {"name": done.full_name})
                    return redirect("courses:enrolments", course_id=course.pk)
            status = 400
    return render(
        request,
        "courses/enrolments.html",
        {
            "course": course,
            "one_form": one_form,
            "bulk_form": bulk_form,
            "errors": errors,
            "enrolments": sorted(
                _enrolments_in_scope(user, course)[:500],
                key=lambda enrolment: vietnamese_sort_key(enrolment.user.full_name),
            ),
            "agency_scope_only": not roles.has_role(user, roles.TRAINER),
        },
        status=status,
    )
