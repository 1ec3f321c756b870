"""Reads shared by the catalogue, course, lesson, "my learning" and home pages."""

from dataclasses import dataclass, field

from django.core.cache import cache

from wagtail.models import Page

from courses.models import ActivityCompletion, CourseIndexPage, CoursePage, Enrolment

CATALOGUE_URL_CACHE_KEY = "courses:catalogue-url"


def catalogue_url() -> str | None:
    """URL of the live catalogue page, cached; invalidated when any page is published."""
    url = cache.get(CATALOGUE_URL_CACHE_KEY)
    if url is None:
        index = CourseIndexPage.objects.live().first()
        url = (index.get_url() if index else "") or ""
        cache.set(CATALOGUE_URL_CACHE_KEY, url, 3600)
    return url or None


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


def _activities_below(parents: list[Page]) -> dict[int, list[Page]]:
    """Live child pages of several courses in one query, in tree order, keyed by course id."""
    by_path = {parent.path: parent.pk for parent in parents}
    if not by_path:
        return {}
    depth = parents[0].depth + 1
    steplen = Page.steplen
    children = (
        Page.objects.live()
        .filter(depth=depth, path__startswith=parents[0].path[:-steplen])
        .only("id", "title", "slug", "url_path", "path", "depth", "content_type_id", "live")
        .order_by("path")
    )
    result = {pk: [] for pk in by_path.values()}
    for child in children:
        course_id = by_path.get(child.path[:-steplen])
        if course_id is not None:
            result[course_id].append(child)
    return result


def course_progress(*, course: CoursePage, user) -> CourseProgress:
    """Outline and progress of one course for one user (3 queries, whatever the course size)."""
    return courses_progress(courses=[course], user=user)[course.pk]


def courses_progress(*, courses: list[CoursePage], user) -> dict[int, CourseProgress]:
    """Progress of several sibling courses for one user in a fixed number of queries."""
    courses = list(courses)
    enrolments = {}
    done: dict[int, set[int]] = {}
    if courses and getattr(user, "is_authenticated", False):
        enrolments = {
            enrolment.course_id: enrolment
            for enrolment in Enrolment.objects.filter(user=user, course__in=courses)
        }
        for enrolment_id, page_id in ActivityCompletion.objects.filter(
            enrolment__in=list(enrolments.values())
        ).values_list("enrolment_id", "page_id"):
            done.setdefault(enrolment_id, set()).add(page_id)
    activities = _activities_below_grouped(courses)
    return {
        course.pk: CourseProgress(
            course=course,
            enrolment=enrolments.get(course.pk),
            activities=activities.get(course.pk, []),
            done_ids=done.get(getattr(enrolments.get(course.pk), "pk", None), set()),
        )
        for course in courses
    }


def _activities_below_grouped(courses: list[CoursePage]) -> dict[int, list[Page]]:
    groups: dict[tuple[str, int], list[CoursePage]] = {}
    for course in courses:
        groups.setdefault((course.path[: -Page.steplen], course.depth), []).append(course)
    result = {}
    for siblings in groups.values():
        result.update(_activities_below(siblings))
    return result


def learning_for_user(*, user) -> list[CourseProgress]:
    """Every enrolment of the user with its progress, unfinished first, newest first."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
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
        Enrolment.objects.filter(user=user, completed_at__isnull=True, status="active")
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
