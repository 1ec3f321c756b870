from django.urls import path

from courses.certificates import views as views

urlpatterns = [
    path("", views.verify_form, name="form"),
    path("public-key.pem", views.verify_public_key, name="public_key"),
    path("<str:code>/", views.verify_detail, name="detail"),
]
