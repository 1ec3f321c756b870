from django.urls import path

from quizzes import views

urlpatterns = [
    path("results/", views.results_index, name="results_index"),
    path("<int:quiz_id>/start/", views.start, name="start"),
    path("<int:quiz_id>/results/", views.quiz_results, name="quiz_results"),
    path("<int:quiz_id>/analysis/", views.item_analysis, name="item_analysis"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/save/", views.autosave, name="autosave"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="result"),
    path("attempts/<int:attempt_id>/grade/", views.grade_essays, name="grade_essays"),
]
