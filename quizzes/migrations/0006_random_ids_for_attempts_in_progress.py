"""Give attempts still in progress random choice ids, so their pages stop telling "a0" apart.

Attempts started before choice ids were random used "a0", "a1", … in bank order, "true"/"false"
and "p0", … with bare right-side texts as matching choices. Their order is kept (the trainee
may have read it already); their ids and saved responses are mapped to random ids. Finished
attempts keep the old shape, which grading still reads.
"""

import secrets

from django.db import migrations

CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")


def _token(taken: set) -> str:
    while (token := secrets.token_urlsafe(9)) in taken:
        pass
    taken.add(token)
    return token


def _rekey(question: dict, response):
    """(question, response) with random ids; the response mapped to them."""
    qtype, taken = question.get("qtype"), set()
    if qtype not in (*CHOICE_TYPES, "matching"):
        return question, response
    new_ids = {}
    for answer in question.get("answers", []):
        if "id" in answer:
            new_ids[answer["id"]] = answer["id"] = _token(taken)
    if qtype == "matching":
        choices = [{"id": _token(taken), "text": text} for text in question.get("choices", [])]
        question["choices"] = choices
        by_text = {choice["text"]: choice["id"] for choice in choices}
        if isinstance(response, dict):
            response = {
                new_ids[pair]: by_text[text]
                for pair, text in response.items()
                if pair in new_ids and text in by_text
            }
    elif isinstance(response, list):
        response = [new_ids[value] for value in response if value in new_ids]
    elif response is not None:
        response = new_ids.get(response)
    return question, response


def _is_old(question: dict) -> bool:
    if question.get("qtype") == "matching":
        return any(isinstance(choice, str) for choice in question.get("choices", []))
    ids = [answer.get("id", "") for answer in question.get("answers", [])]
    return question.get("qtype") in CHOICE_TYPES and any(
        i in ("true", "false") or (i[:1] == "a" and i[1:].isdigit()) for i in ids
    )


def rekey_attempts_in_progress(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    for attempt in Attempt.objects.filter(status="in_progress").iterator():
        if not any(_is_old(question) for question in attempt.questions):
            continue
        responses = dict(attempt.responses or {})
        for question in attempt.questions:
            if not _is_old(question):
                continue
            qid = question["id"]
            _question, response = _rekey(question, responses.get(qid))
            if response in (None, [], {}):
                responses.pop(qid, None)
            else:
                responses[qid] = response
        attempt.responses = responses
        attempt.save(update_fields=["questions", "responses"])


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0005_clean_question_html")]

    operations = [migrations.RunPython(rekey_attempts_in_progress, migrations.RunPython.noop)]
