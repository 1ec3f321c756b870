"""One rule for showing a list of import errors: the first 50, then "và N lỗi khác".

A file of 20 000 bad rows used to answer with a page of megabytes listing every one; the first
errors are what the person fixes first, the count says how much is left.
"""

from dataclasses import dataclass

from django.utils.translation import ngettext

MAX_SHOWN_ERRORS = 50


@dataclass
class ErrorExcerpt:
    shown: list
    more: int  # errors left out

    def __iter__(self):
        return iter(self.shown)

    def __bool__(self):
        return bool(self.shown)

    @property
    def more_text(self) -> str:
        if not self.more:
            return ""
        return ngettext("và %(count)s lỗi khác", "và %(count)s lỗi khác", self.more) % {
            "count": self.more
        }


def first_errors(errors, limit: int = MAX_SHOWN_ERRORS) -> ErrorExcerpt:
    """The first `limit` errors and how many more there are."""
    errors = list(errors or ())
    return ErrorExcerpt(shown=errors[:limit], more=max(0, len(errors) - limit))
