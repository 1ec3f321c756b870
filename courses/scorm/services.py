"""Writes of the SCORM area: importing a package, creating its lesson, storing runtime state."""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.learning.pages import CoursePage
from courses.learning.progress import activity_mark_done
from lms.core.text import nfc

from . import runtime
from .models import ScormAttempt, ScormLessonPage, ScormPackage
from .package import PackageRefused, inspect_package, scorm_limits

__all__ = [
    "PackageRefused",
    "RuntimeResult",
    "scorm_lesson_import",
    "scorm_package_import",
    "scorm_runtime_commit",
]


def package_storage():
    """Private storage: package files are only ever served through the sandboxed view."""
    return storages["private"]


def scorm_package_import(*, data: bytes, actor=None) -> ScormPackage:
    """Check the ZIP, then extract it to private storage and record it.

    Invariant: nothing is written unless every check of `inspect_package` passed. The same ZIP
    (by SHA-256) is one package however often it is imported.
    """
    manifest = inspect_package(data, limits=scorm_limits())
    digest = hashlib.sha256(data).hexdigest()
    existing = ScormPackage.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    package = ScormPackage(
        title=manifest.title,
        version=manifest.version,
        launch=manifest.launch,
        sha256=digest,
        file_count=len(manifest.members),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    package.size_bytes = _extract(data, manifest.members, package.folder)
    try:
        with transaction.atomic():
            package.save()
    except IntegrityError:  # the same ZIP imported at the same moment
        return ScormPackage.objects.get(sha256=digest)
    return package


def _extract(data: bytes, members: tuple[str, ...], folder: str) -> int:
    storage = package_storage()
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in members:
            content = archive.read(name)
            total += len(content)
            path = f"{folder}/{name}"
            if storage.exists(path):
                storage.delete(path)  # an earlier import stopped half-way
            saved = storage.save(path, ContentFile(content))
            if saved != path:
                raise RuntimeError(f"storage renamed {path} to {saved}")
    return total


def scorm_lesson_import(
    *, data: bytes, parent: CoursePage, title: str = "", actor=None
) -> ScormLessonPage:
    """Import the package and publish a SCORM lesson for it as the last child of `parent`."""
    package = scorm_package_import(data=data, actor=actor)
    lesson = ScormLessonPage(title=nfc(title or package.title or package.launch)[:255])
    lesson.package = package
    with transaction.atomic():
        parent.add_child(instance=lesson)
        revision = lesson.save_revision(user=actor if getattr(actor, "pk", None) else None)
        revision.publish()
    lesson.refresh_from_db()
    return lesson


@dataclass
class RuntimeResult:
    attempt: ScormAttempt
    lesson_done: bool
    course_completed: bool


def scorm_runtime_commit(*, user, page: ScormLessonPage, values: dict) -> RuntimeResult:
    """Store what the package committed for `user`, one row per (user, page); when the
    status says "completed" or "passed", mark the lesson done through the learning service
    (course completion and certificates follow from there). Raises runtime.InvalidValue."""
    version = page.package.version
    limit = getattr(settings, "SCORM_MAX_SUSPEND_DATA", 64_000)
    cleaned = runtime.validate_values(version, values, max_suspend_data=limit)
    with transaction.atomic():
        try:
            with transaction.atomic():
                attempt, _created = ScormAttempt.objects.get_or_create(user=user, page=page)
        except IntegrityError:
            pass
        attempt = ScormAttempt.objects.select_for_update().get(user=user, page=page)
        if attempt.package_id != page.package_id:
            # A replaced package: its place in the old one is dropped, its completion kept.
            attempt.package = page.package
            attempt.suspend_data, attempt.location, attempt.exit = "", "", ""
        for name, value in cleaned.items():
            setattr(attempt, name, value)
        done = runtime.is_done(version, attempt_state(attempt))
        if done and attempt.completed_at is None:
            attempt.completed_at = timezone.now()
        attempt.save()
    completion = activity_mark_done(user=user, page=page) if done else None
    finished = completion is not None and completion.enrolment.completed_at is not None
    return RuntimeResult(
        attempt=attempt, lesson_done=completion is not None, course_completed=finished
    )


def attempt_state(attempt: ScormAttempt | None, *, package_id=None) -> dict:
    """The stored state as the runtime names it. Given the package about to play, a state
    written by another package keeps its statuses and score but not its place (suspend_data,
    location), so the new package starts from the beginning."""
    if attempt is None:
        return {}
    fields = {name for names in runtime.ELEMENTS.values() for name in names.values()}
    state = {name: getattr(attempt, name) for name in fields}
    if package_id is not None and attempt.package_id != package_id:
        state.update(suspend_data="", location="", exit="")
    return state
