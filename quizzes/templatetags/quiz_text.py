from django import template

from quizzes.question_html import as_html

register = template.Library()


@register.filter
def question_html(text: str, text_format: str):
    """`{{ q.text|question_html:q.text_format }}`: cleaned HTML, or escaped plain text."""
    return as_html(text, text_format)


@register.filter
def qtype_label(qtype: str) -> str:
    """`{{ q.qtype|qtype_label }}`: "Đúng/Sai", not the stored code `true_false`."""
    from quizzes.models import QuestionType

    try:
        return QuestionType(qtype).label
    except ValueError:
        return qtype
