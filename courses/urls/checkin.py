from django.urls import path

from courses.views import checkin as views

urlpatterns = [path("<str:token>/", views.checkin, name="checkin")]
