"""The days a person may type into a period filter or a command's --since/--until.

Outside 01/01/2000–31/12/2100 a date is a typing mistake, and 01/01/0001 or 31/12/9999 overflow
when turned into an instant in the site's time zone (a 500, or a traceback in a command).
"""

import datetime as dt

from django.utils.translation import gettext as _

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def day_range_error(day: dt.date) -> str | None:
    """Why `day` cannot bound a period (None when it can), in the active language."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return _("Ngày phải nằm trong khoảng %(first)s – %(last)s.") % {
        "first": FIRST_DAY.strftime("%d/%m/%Y"),
        "last": LAST_DAY.strftime("%d/%m/%Y"),
    }


COMMAND_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def command_date(option: str, value: str | None) -> dt.date | None:
    """A command's --since/--until (YYYY-MM-DD or dd/mm/yyyy); CommandError names the option."""
    from django.core.management.base import CommandError

    if not value:
        return None
    for date_format in COMMAND_DATE_FORMATS:
        try:
            day = dt.datetime.strptime(value.strip(), date_format).date()
        except ValueError:
            continue
        error = day_range_error(day)
        if error:
            raise CommandError(f"--{option} {value}: {error}")
        return day
    raise CommandError(f"--{option} {value!r}: not a date (use YYYY-MM-DD or dd/mm/yyyy)")
