"""JSON sent by people: bad input is a ValueError, never a crash.

`json.loads` raises RecursionError on deeply nested arrays (a 256 KB body holds 128 000 levels)
and accepts "\\ud800" escapes that make strings no database stores as UTF-8; both would reach
the view as a 500.
"""

import json

__all__ = ["loads"]


def loads(data: bytes | str):
    """The decoded JSON value; ValueError when it is not JSON, nests too deeply or holds a
    lone surrogate."""
    try:
        value = json.loads(data)
        # Encoding the value again is the one check that reaches every key and string
        # (UnicodeEncodeError is a ValueError).
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except RecursionError as error:
        raise ValueError("JSON nested too deeply") from error
    return value
