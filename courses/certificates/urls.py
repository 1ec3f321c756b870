from django.urls import path

from courses.certificates import views as views

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("manage/<int:pk>/reissue/", views.reissue, name="reissue"),
    path("manage/issue-session/", views.issue_for_session, name="issue_session"),
    path("manage/zip/", views.bulk_download, name="bulk_download"),
    path("manage/zip/<str:job_id>/progress/", views.zip_progress, name="zip_progress"),
    path("manage/zip/<str:job_id>/download/", views.zip_download, name="zip_download"),
    path("<str:code>/download/", views.download, name="download"),
]
