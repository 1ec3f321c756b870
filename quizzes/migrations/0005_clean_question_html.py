"""Clean the HTML of questions stored before HTML was cleaned on save and import."""

from django.db import migrations

from quizzes.question_html import HTML_FORMATS, clean_question


def clean_existing_questions(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    fields = ("text", "answers", "general_feedback")
    for question in Question.objects.filter(text_format__in=HTML_FORMATS).iterator():
        before = [getattr(question, name) for name in fields]
        clean_question(question)
        if [getattr(question, name) for name in fields] != before:
            question.save(update_fields=list(fields))


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0004_question_shuffle_answers")]

    operations = [migrations.RunPython(clean_existing_questions, migrations.RunPython.noop)]
