"""A tiny HTTP client for 127.0.0.1: keeps cookies, sends the CSRF token, follows no redirect."""

import http.client
import re
import statistics
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie


@dataclass
class Response:
    status: int
    location: str
    text: str


class Session:
    def __init__(self, port: int, *, cookie: str = "", timeout: float = 120):
        self.port = port
        self.timeout = timeout
        self.cookies = SimpleCookie()
        if cookie:
            self.cookies.load(cookie)
        self.connection = None

    def _request(self, method: str, path: str, body: bytes | None, headers: dict) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}", **headers}
        cookie = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if cookie:
            headers["Cookie"] = cookie
        for attempt in range(2):  # one retry when a kept-alive connection was closed
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                text = raw.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        for header in raw.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        location = urllib.parse.urlparse(raw.headers.get("Location", "")).path
        return Response(raw.status, location, text)

    def get(self, path: str) -> Response:
        return self._request("GET", path, None, {})

    def post(self, path: str, form: dict) -> Response:
        token = self.cookies["csrftoken"].value if "csrftoken" in self.cookies else ""
        body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": token,
            "Referer": f"http://127.0.0.1:{self.port}{path}",
        }
        return self._request("POST", path, body, headers)


def wait_until_up(port: int, path: str, *, timeout: float) -> None:
    """Until `path` answers 200: the master listens long before its workers have booted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"127.0.0.1:{port}{path} does not answer 200 after {timeout} s")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def latency_summary(timings_ms: list[float]) -> dict:
    return {
        "count": len(timings_ms),
        "p50_ms": round(statistics.median(timings_ms), 1),
        "p95_ms": round(percentile(timings_ms, 95), 1),
        "max_ms": round(max(timings_ms), 1),
    }


LOADED_ROW = re.compile(r'name="(was_(?:status|note)_\d+)" value="([^"]*)"')


def loaded_rows(page: str) -> dict:
    """The hidden fields of the attendance page saying what each row looked like when loaded:
    a save without them can add marks but never overwrite one."""
    return dict(LOADED_ROW.findall(page))
