from django.urls import path

from courses.learning import views as learning

urlpatterns = [
    path("catalogue/", learning.catalogue_redirect, name="catalogue"),
    path("my-learning/", learning.my_learning, name="my_learning"),
    path("<int:course_id>/enrol/", learning.course_enrol, name="enrol"),
    path("<int:course_id>/renew/", learning.course_renew, name="renew"),
    path("<int:course_id>/continue/", learning.course_resume, name="resume"),
    path("<int:course_id>/enrolments/", learning.course_enrolments, name="enrolments"),
    path("activities/<int:page_id>/done/", learning.activity_done, name="activity_done"),
]
