from django.urls import path

from . import transitions, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("agencies/<str:code>/", views.agency_detail, name="agency"),
    path("export/", views.export, name="export"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("transitions/", transitions.transition_list, name="transitions"),
    path("transitions/<int:pk>/", transitions.transition_detail, name="transition"),
    path("transitions/<int:pk>/enrol/", transitions.transition_enrol_all, name="transition_enrol"),
]
