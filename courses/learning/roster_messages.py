"""The user's wording of every roster-reader error, one text per code.

Class rosters (courses.classes.roster) and bulk-enrolment lists (courses.learning.enrolment) are
read by the same reader and speak with the same words: the file-level problems shared by every
importer (lms.core.table_messages) plus the roster's own codes below.
"""

from django.utils.translation import gettext as _

from courses.learning.roster_reader import RowError
from lms.core.table_messages import table_messages


def roster_messages() -> dict[str, str]:
    """Error code -> message in the active language, with `{name}` placeholders."""
    return table_messages() | {
        "no_header": _(
            "không tìm thấy dòng tiêu đề trong {scanned} dòng đầu; cần các cột như Họ và tên, Email"
        ),
        "invalid_email": _("email không hợp lệ “{email}”"),
        "duplicate_email": _("email {email} bị trùng, đã có ở dòng {first_row}"),
    }


def roster_error_text(error: RowError, messages: dict[str, str] | None = None) -> str:
    """One reader error in the user's language (the reader's English when the code is unknown)."""
    template = (messages or roster_messages()).get(error.code)
    return template.format(**error.params) if template else error.message
