"""Which parts of a question are HTML, cleaned to lms.core.html's allow-list.

No ORM on purpose: Question.save, the importer and the data migration clean with the same
function, and the pages clean again when showing frozen attempt snapshots.
"""

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from lms.core.html import clean_html, html_to_text

HTML_FORMATS = frozenset({"moodle", "html"})
# Answer fields shown as HTML, per question type. A short answer's text is what the trainee
# must type and a matching right side is offered as plain text: both stay as written.
HTML_ANSWER_FIELDS = {
    "single_choice": ("text", "feedback"),
    "multiple_choice": ("text", "feedback"),
    "true_false": ("feedback",),
    "short_answer": ("feedback",),
    "numerical": ("feedback",),
    "matching": ("text",),
}


def is_html(text_format: str) -> bool:
    return text_format in HTML_FORMATS


def clean_answers(qtype: str, answers):
    """A copy of the answers with their HTML fields cleaned; odd shapes are left as they are."""
    fields = HTML_ANSWER_FIELDS.get(qtype, ())
    if not fields or not isinstance(answers, list):
        return answers
    cleaned = []
    for answer in answers:
        if isinstance(answer, dict):
            answer = dict(answer)
            for name in fields:
                if isinstance(answer.get(name), str):
                    answer[name] = clean_html(answer[name])
        cleaned.append(answer)
    return cleaned


def clean_question(question) -> None:
    """Clean text, answers and general feedback in place on anything shaped like a Question."""
    if not is_html(question.text_format):
        return
    question.text = clean_html(question.text or "")
    question.general_feedback = clean_html(question.general_feedback or "")
    question.answers = clean_answers(question.qtype, question.answers)


def as_html(text: str, text_format: str) -> SafeString:
    """Markup to show: HTML formats cleaned again (snapshots may predate cleaning), others
    escaped with their line breaks kept."""
    if is_html(text_format):
        return mark_safe(clean_html(text or ""))  # noqa: S308 - cleaned to the allow-list
    return linebreaksbr(text or "", autoescape=True)


def as_text(text: str, text_format: str) -> str:
    """Plain text of an answer for one-line summaries (the review's "Đáp án đúng")."""
    return html_to_text(text or "") if is_html(text_format) else text or ""
