from django.urls import path

from courses.classes import scheduling_views as scheduling
from courses.classes import views as views

urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", scheduling.class_create, name="class_create"),
    path("<int:class_id>/sessions/new/", scheduling.session_create, name="session_create"),
    path("sessions/<int:session_id>/edit/", scheduling.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/cancel/", scheduling.session_cancel, name="session_cancel"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/attendance/", views.attendance_marking, name="attendance"),
    path(
        "sessions/<int:session_id>/paper/",
        views.attendance_marking,
        {"paper": True},
        name="paper",
    ),
    path("sessions/<int:session_id>/walk-in/", views.walk_in, name="walk_in"),
    path("sessions/<int:session_id>/qr/", views.qr_page, name="qr"),
    path("sessions/<int:session_id>/qr.svg", views.qr_image, name="qr_image"),
    path("sessions/<int:session_id>/sign-in-sheet.pdf", views.sign_in_sheet, name="sign_in_sheet"),
    path("sessions/<int:session_id>/roster/", views.roster_upload, name="roster"),
    path(
        "sessions/<int:session_id>/attendance.<str:fmt>",
        views.session_export,
        name="session_export",
    ),
    path("<int:class_id>/attendance.<str:fmt>", views.class_export, name="class_export"),
]
