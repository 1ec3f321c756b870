"""SCORM lessons keep their code in courses/scorm/; re-exported here so the app registers them
(after .pages, which they build on)."""

from courses.scorm.models import ScormAttempt, ScormLessonPage, ScormPackage

__all__ = ["ScormAttempt", "ScormLessonPage", "ScormPackage"]
