"""The CMI data model elements the site keeps, for SCORM 1.2 and 2004 (pure Python).

The package frame's API shim answers GetValue from the values given at launch and sends what
the package set on Commit/Finish; `validate_values` checks them here before they are stored.
Elements the site does not keep (interactions, objectives, comments) are accepted by the shim
and ignored here.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# element -> ScormAttempt field
ELEMENTS = {
    "1.2": {
        "cmi.core.lesson_status": "lesson_status",
        "cmi.core.lesson_location": "location",
        "cmi.core.score.raw": "score_raw",
        "cmi.core.score.min": "score_min",
        "cmi.core.score.max": "score_max",
        "cmi.core.exit": "exit",
        "cmi.suspend_data": "suspend_data",
    },
    "2004": {
        "cmi.completion_status": "completion_status",
        "cmi.success_status": "success_status",
        "cmi.location": "location",
        "cmi.score.raw": "score_raw",
        "cmi.score.min": "score_min",
        "cmi.score.max": "score_max",
        "cmi.score.scaled": "score_scaled",
        "cmi.exit": "exit",
        "cmi.suspend_data": "suspend_data",
    },
}
VOCABULARIES = {
    "lesson_status": {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"},
    "completion_status": {"completed", "incomplete", "not attempted", "unknown"},
    "success_status": {"passed", "failed", "unknown"},
    "exit": {"time-out", "suspend", "logout", "normal", ""},
}
LOCATION_LIMITS = {"1.2": 255, "2004": 1000}
SCORE_FIELDS = {"score_raw", "score_min", "score_max", "score_scaled"}
MAX_VALUES = 200


@dataclass
class InvalidValue(Exception):
    element: str


def validate_values(version: str, values: dict, *, max_suspend_data: int) -> dict:
    """ScormAttempt field -> cleaned value for the kept elements of `values`; raises
    InvalidValue naming the first element whose value the data model does not allow."""
    if not isinstance(values, dict) or len(values) > MAX_VALUES:
        raise InvalidValue("values")
    elements = ELEMENTS[version]
    cleaned = {}
    for element, value in values.items():
        name = elements.get(element)
        if name is None:
            continue
        if not isinstance(value, str):
            raise InvalidValue(element)
        cleaned[name] = _clean(name, value, version, max_suspend_data, element)
    return cleaned


def _clean(name: str, value: str, version: str, max_suspend_data: int, element: str):
    if name in VOCABULARIES:
        if value not in VOCABULARIES[name]:
            raise InvalidValue(element)
        return value
    if name in SCORE_FIELDS:
        return _score(value, element, scaled=name == "score_scaled")
    limit = LOCATION_LIMITS[version] if name == "location" else max_suspend_data
    if len(value) > limit or "\x00" in value:
        raise InvalidValue(element)
    return value


def _score(value: str, element: str, *, scaled: bool) -> Decimal | None:
    if value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise InvalidValue(element) from error
    bound = 1 if scaled else 10**7
    if not number.is_finite() or not -bound <= number <= bound:
        raise InvalidValue(element)
    return number.quantize(Decimal("0.00001") if scaled else Decimal("0.0001"))


def is_done(version: str, state: dict) -> bool:
    """ "completed" or "passed" finishes the lesson (1.2 lesson_status; 2004 either status)."""
    if version == "1.2":
        return state.get("lesson_status") in ("completed", "passed")
    return state.get("completion_status") == "completed" or state.get("success_status") == "passed"


def _text(value) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def launch_values(version: str, state: dict, *, learner_id: str, learner_name: str) -> dict:
    """Element -> value the shim answers GetValue with: the stored state, who the learner
    is, and whether this is a resume."""
    resumed = bool(state.get("suspend_data") or state.get("location"))
    values = {element: _text(state.get(name)) for element, name in ELEMENTS[version].items()}
    if version == "1.2":
        values.update(
            {
                "cmi.core.student_id": learner_id,
                "cmi.core.student_name": learner_name,
                "cmi.core.lesson_status": state.get("lesson_status") or "not attempted",
                "cmi.core.entry": "resume" if resumed else "ab-initio",
                "cmi.core.credit": "credit",
                "cmi.core.lesson_mode": "normal",
                "cmi.core.total_time": "0000:00:00",
                "cmi.launch_data": "",
            }
        )
    else:
        values.update(
            {
                "cmi.learner_id": learner_id,
                "cmi.learner_name": learner_name,
                "cmi.completion_status": state.get("completion_status") or "unknown",
                "cmi.success_status": state.get("success_status") or "unknown",
                "cmi.entry": "resume" if resumed else "ab-initio",
                "cmi.credit": "credit",
                "cmi.mode": "normal",
                "cmi.total_time": "PT0S",
                "cmi.launch_data": "",
            }
        )
    values.pop("cmi.core.exit", None)  # write-only elements
    values.pop("cmi.exit", None)
    return values
