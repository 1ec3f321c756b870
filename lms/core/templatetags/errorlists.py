from django import template

from lms.core.errorlists import first_errors as _first_errors

register = template.Library()


@register.filter
def first_errors(errors):
    """`{% with excerpt=result.errors|first_errors %}`: the first 50 and `excerpt.more_text`."""
    return _first_errors(errors)
