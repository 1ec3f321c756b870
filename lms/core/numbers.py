"""Numbers typed in Vietnamese forms.

Vietnamese writes 0,5 where a browser's number input sends 0.5; a form must take both. The
inputs themselves carry machine format (value="0.5"), as `{% localize off %}` writes it.
"""

from django import forms


class DecimalInputField(forms.DecimalField):
    """A decimal that accepts "0,5" and "0.5" alike, whatever the active language.

    A single comma is the decimal mark; thousands separators are not accepted, so "1.000"
    stays one (not a thousand) rather than being guessed at.
    """

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "")
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)
