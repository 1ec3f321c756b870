"""Courses: the learning app, one package per domain (app label `courses` for all of them).

- courses.learning: the catalogue and course pages, lessons, enrolment, progress, completion
  (the base the other domains build on; it imports neither of them).
- courses.classes: in-person classes, sessions, rosters, attendance (trainer marking, walk-ins,
  QR check-in), reminders, calendars, sign-in sheets.
- courses.certificates: certificates (issue, revoke, re-issue, PDF, signing, verification),
  their templates, renewal and edition transitions.
- courses.scorm: SCORM lessons (package checks, sandboxed player, runtime state), a learning
  activity beside lessons and quizzes.

courses/models.py, courses/tasks.py and courses/wagtail_hooks.py only gather the domains'
models, tasks and admin hooks at the paths Django, celery and Wagtail look for them.
"""
