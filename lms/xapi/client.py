"""Talking to the learning record store: one PUT per statement, its id in the query.

PUT /statements?statementId=<id> is idempotent by the xAPI specification: the LRS answers 204
when it stores the statement and 409 when it already holds a statement with that id, so a
statement sent twice is stored once.
"""

import base64
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .statements import VERSION

logger = logging.getLogger(__name__)

# Worth trying again later: the LRS is busy, restarting or unreachable.
TEMPORARY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


class LrsUnavailable(Exception):
    """The LRS could not take the statement now; the caller retries later."""


def configured() -> bool:
    return bool(getattr(settings, "XAPI_ENDPOINT", ""))


def _authorization() -> str:
    if settings.XAPI_AUTH:
        return settings.XAPI_AUTH
    if settings.XAPI_USERNAME or settings.XAPI_PASSWORD:
        pair = f"{settings.XAPI_USERNAME}:{settings.XAPI_PASSWORD}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")
    return ""


def _request(statement: dict) -> urllib.request.Request:
    endpoint = settings.XAPI_ENDPOINT.rstrip("/")
    if not endpoint.startswith(("https://", "http://")):
        raise ImproperlyConfigured("XAPI_ENDPOINT must be an http(s) address")
    query = urllib.parse.urlencode({"statementId": statement["id"]})
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": VERSION,
    }
    if authorization := _authorization():
        headers["Authorization"] = authorization
    body = json.dumps(statement, ensure_ascii=False).encode("utf-8")
    url = f"{endpoint}/statements?{query}"
    return urllib.request.Request(url, data=body, headers=headers, method="PUT")  # noqa: S310


def put_statement(statement: dict) -> bool:
    """Store one statement; True when the LRS holds it (stored now or before).

    Raises LrsUnavailable when a later try may succeed; a statement the LRS refuses for good
    (400, 401, 403 …) is logged and dropped (False): retrying would be refused the same way.
    """
    try:
        with urllib.request.urlopen(_request(statement), timeout=settings.XAPI_TIMEOUT):  # noqa: S310 - the configured LRS address
            return True
    except urllib.error.HTTPError as error:
        if error.code == 409:
            return True  # the LRS already holds this id: sent before
        if error.code in TEMPORARY_STATUSES:
            raise LrsUnavailable(f"LRS answered {error.code}") from error
        logger.error("LRS refused statement %s: HTTP %s", statement["id"], error.code)
        return False
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        # HTTPException: an answer that is not HTTP (a bad status line, a header line past
        # 64 KB, more than 100 headers), from the LRS or a proxy in front of it.
        raise LrsUnavailable(str(error)) from error
