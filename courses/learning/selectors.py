"""Reads shared by the catalogue, course, lesson, "my learning" and home pages."""

from dataclasses import dataclass, field

from django.db.models import F, FilteredRelation, Q

from wagtail.models import Page

from courses.learning.models import Enrolment
from courses.learning.pages import CourseIndexPage, CoursePage
from lms.core import pagecache


def catalogue_url() -> str | None:
    """URL of the live catalogue page, read once per page tree version."""

    def compute() -> str:
        index = CourseIndexPage.objects.live().first()
        return (index.get_url() if index else "") or ""

    return (
        pagecache.cached_in_process(pagecache.versioned_key("catalogue-url-pickled"), compute)
        or None
    )


@dataclass
class CourseProgress:
    """Where one user stands in one course; `activities` are the live child pages in order."""

    course: Page
    enrolment: Enrolment | None
    activities: list[Page] = field(default_factory=list)
    done_ids: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.activities)

    @property
    def done(self) -> int:
        return sum(1 for page in self.activities if page.pk in self.done_ids)

    @property
    def percent(self) -> int:
        if self.enrolment is not None and self.enrolment.completed_at:
            return 100
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def next_activity(self) -> Page | None:
        """The first activity not done yet: where "continue" leads."""
        return next((page for page in self.activities if page.pk not in self.done_ids), None)

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        ids = [activity.pk for activity in self.activities]
        if page.pk not in ids:
            return None, None
        index = ids.index(page.pk)
        previous = self.activities[index - 1] if index > 0 else None
        following = self.activities[index + 1] if index + 1 < len(ids) else None
        return previous, following


def _outline_below(parents: list[Page]) -> dict[int, list[Page]]:
    """Live child pages of sibling courses in tree order, keyed by course id.

    The same for every visitor, so it is read once per page tree version (lms.core.pagecache).
    """
    by_path = {parent.path: parent.pk for parent in parents}
    if not by_path:
        return {}
    steplen = Page.steplen
    prefix, depth = parents[0].path[:-steplen], parents[0].depth + 1

    def children() -> list[Page]:
        return list(
            Page.objects.live()
            .filter(depth=depth, path__startswith=prefix)
            .only("id", "title", "slug", "url_path", "path", "depth", "content_type_id", "live")
            .order_by("path")
        )

    result = {pk: [] for pk in by_path.values()}
    outline = pagecache.cached_in_process(
        pagecache.versioned_key("outline-pickled", prefix, depth), children
    )
    for child in outline:
        course_id = by_path.get(child.path[:-steplen])
        if course_id is not None:
            result[course_id].append(child)
    return result


def course_progress(*, course: CoursePage, user) -> CourseProgress:
    """Outline and progress of one course for one user (one query, whatever the course size)."""
    return courses_progress(courses=[course], user=user)[course.pk]


def courses_progress(*, courses: list[CoursePage], user) -> dict[int, CourseProgress]:
    """Progress of several courses for one user in one query, whatever their size.

    The outline comes from the page cache; the enrolments and their completions of outline
    pages come in one statement: each enrolment row once per completion (a filtered LEFT JOIN),
    or once with no page when nothing is done yet.
    """
    courses = list(courses)
    groups: dict[str, list[CoursePage]] = {}
    for course in courses:
        groups.setdefault(course.path[: -Page.steplen], []).append(course)
    activities: dict[int, list[Page]] = {}
    for siblings in groups.values():
        activities.update(_outline_below(siblings))
    enrolments, done_ids = {}, set()
    if courses and getattr(user, "is_authenticated", False):
        page_ids = [page.pk for pages in activities.values() for page in pages]
        rows = (
            Enrolment.objects.current()
            .filter(user=user, course__in=courses)
            .annotate(
                done=FilteredRelation("completions", condition=Q(completions__page_id__in=page_ids))
            )
            .annotate(done_page_id=F("done__page_id"))
        )
        for enrolment in rows:
            enrolments.setdefault(enrolment.course_id, enrolment)
            if enrolment.done_page_id is not None:
                done_ids.add(enrolment.done_page_id)
    progress = {}
    for course in courses:
        pages = activities.get(course.pk, [])
        enrolment = enrolments.get(course.pk)
        done = {page.pk for page in pages if enrolment and page.pk in done_ids}
        progress[course.pk] = CourseProgress(
            course=course, enrolment=enrolment, activities=pages, done_ids=done
        )
    return progress


def learning_for_user(*, user) -> list[CourseProgress]:
    """Every enrolment of the user with its progress, unfinished first, newest first."""
    enrolments = list(
        Enrolment.objects.current()
        .filter(user=user)
        .exclude(status="withdrawn")
        .select_related("course")
        .order_by("completed_at", "-created_at")
    )
    progress = courses_progress(courses=[enrolment.course for enrolment in enrolments], user=user)
    return [progress[enrolment.course_id] for enrolment in enrolments]


def continue_learning(*, user) -> CourseProgress | None:
    """The most recently enrolled unfinished course, for the home page's "continue" box."""
    if not getattr(user, "is_authenticated", False):
        return None
    enrolment = (
        Enrolment.objects.current()
        .filter(user=user, completed_at__isnull=True, status="active")
        .select_related("course")
        .order_by("-created_at")
        .first()
    )
    if enrolment is None:
        return None
    return course_progress(course=enrolment.course, user=user)


def catalogue_courses(*, index: CourseIndexPage, track="", edition="", language=""):
    """Live courses of the catalogue, filtered; prerequisites are read on the course page."""
    courses = CoursePage.objects.child_of(index).live().order_by("path")
    if track:
        courses = courses.filter(track=track)
    if edition:
        courses = courses.filter(edition=edition)
    if language:
        courses = courses.filter(language=language)
    return courses
