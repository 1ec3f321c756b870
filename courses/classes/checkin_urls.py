from django.urls import path

from courses.classes import checkin_views as views

urlpatterns = [path("<str:token>/", views.checkin, name="checkin")]
