from django.urls import path

from . import views

urlpatterns = [
    path("runtime/<int:page_id>/", views.runtime_commit, name="runtime"),
    path("play/<str:token>/<path:path>", views.package_file, name="file"),
]
