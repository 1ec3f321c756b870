"""Learning: what a trainee reads and finishes.

pages.py (CourseIndexPage, CoursePage, LessonPage, CourseActivity) and blocks.py (lesson body);
models.py (Enrolment, ActivityCompletion); enrolment.py, the one write path of enrolments
(enrolments_bulk_ensure; enrolment_create is its call for one person); progress.py and
completion.py (activity done, course completed, the `course_completed` signal of signals.py);
rules.py, where classes and certificates plug in attendance, renewal and learning history;
permissions.py; selectors.py; views.py and urls.py (namespace `courses`); middleware.py (the
catalogue's page cache); forms.py and the person-list reader shared with class rosters
(roster_reader.py, pure Python, and roster_messages.py, its wording); tasks.py,
wagtail_hooks.py, demo.py.

Learning imports neither courses.classes, courses.certificates nor quizzes: they call it or
register in rules.py (tests/lms/test_code_shape.py keeps it so).
"""
