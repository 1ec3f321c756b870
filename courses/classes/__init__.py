"""Classes: in-person training, from scheduling to attendance.

models.py (TrainingClass, ClassSession, ClassMember, Attendance, SessionReminder);
sessions.py (open classes, schedule, edit and cancel sessions), attendance.py (the one write
path of attendance: trainer marking, walk-ins, QR check-in), roster.py (class roster import,
accounts through lms.accounts.services.users_invite_bulk), reminders.py; permissions.py
(can_manage_classes, can_mark_session, ...), selectors.py, tokens.py (QR and calendar tokens),
exports.py (attendance spreadsheets), calendar.py (iCalendar), sign_in_sheet.py (PDF);
completion.py adds attendance to the learning completion rule; views (views.py,
scheduling_views.py, checkin_views.py) with urls.py (namespace `classes`) and checkin_urls.py
(`checkin`); forms.py, tasks.py, wagtail_hooks.py, demo.py.
"""
