"""The load journey of `make bench` as a locust scenario; `journey.py` runs it headless.

Each trainee signs in (one in every N/20 through the real allauth form; allauth allows 30 logins a
minute per IP and all traffic comes from 127.0.0.1, so the rest arrive with a session made
beforehand), reads two lessons, starts the course quiz, opens and submits the attempt, and thinks
between steps (5–15 s unless the fixtures say otherwise: `--journey-think` of run.py). Exactly
one trainer marks the hall of 500 every 5 s. Requests are named by step, so locust's CSV
statistics read per step; a status other than the step's expected ones is a failure. The
fixtures come from the JSON file named by BENCH_JOURNEY_FIXTURES.
"""

import html
import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlparse

from locust import FastHttpUser, between, constant, task

FIXTURES_ENV = "BENCH_JOURNEY_FIXTURES"
OK = (200, 302)


def _load_fixtures() -> dict:
    path = os.environ.get(FIXTURES_ENV)
    if not path:
        raise SystemExit(f"{FIXTURES_ENV} must name the journey fixtures JSON (see journey.py)")
    return json.loads(Path(path).read_text(encoding="utf-8"))


FIXTURES = _load_fixtures()
# Trainee i signs in as journey_logins[str(i)] when there is one, else takes journey_cookies[i];
# one process spawns every user.
_trainee_numbers = itertools.count()


def _session_cookie(name: str, value: str) -> Cookie:
    """A cookie for 127.0.0.1 as if the server had set it: the session made beforehand."""
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain="127.0.0.1",
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


class JourneyUser(FastHttpUser):
    """Keeps cookies, sends Django's CSRF token on POST and follows no redirect."""

    abstract = True
    # A request queued behind busy workers is slow, not failed: wait for it up to 120 s.
    network_timeout = 120.0
    connection_timeout = 120.0

    def __init__(self, environment):
        super().__init__(environment)
        # Production settings mark the session and CSRF cookies Secure; the bench speaks plain
        # HTTP to 127.0.0.1 (as a TLS-terminating proxy would), so send them over HTTP too.
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )

    def use_session(self, cookie: str) -> None:
        name, _, value = cookie.partition("=")
        self.client.cookiejar.set_cookie(_session_cookie(name, value))

    def csrf_token(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def step(self, name: str, method: str, path: str, *, data=None, ok=OK):
        """One named request; returns the response when its status is one of `ok`, else None."""
        headers = {}
        if method == "POST":
            token = self.csrf_token()
            data = {**(data or {}), "csrfmiddlewaretoken": token}
            headers = {"X-CSRFToken": token, "Referer": f"{self.host}{path}"}
        with self.client.request(
            method,
            path,
            name=name,
            data=data,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in ok:
                response.success()
                return response
            error = getattr(response, "error", None)
            response.failure(repr(error) if error else f"HTTP {response.status_code}")
            return None


class Trainee(JourneyUser):
    weight = 1
    wait_time = between(*FIXTURES.get("think_s", (5, 15)))

    def on_start(self) -> None:
        number = next(_trainee_numbers)
        self.rng = random.Random(number)
        login = FIXTURES["journey_logins"].get(str(number))
        if login:
            self.step("login form", "GET", "/accounts/login/")
            self.step(
                "login",
                "POST",
                "/accounts/login/",
                data={"login": login, "password": FIXTURES["journey_password"]},
                ok=(302,),
            )
        else:
            self.use_session(FIXTURES["journey_cookies"][number])

    @task
    def read_and_take_quiz(self) -> None:
        """Two lessons, then the quiz; `wait()` is the think time and where a stop lands."""
        lessons = FIXTURES["lesson_paths"]
        for path in self.rng.sample(lessons, k=min(2, len(lessons))):
            self.step("lesson", "GET", path)
            self.wait()
        start = self.step("quiz start", "POST", f"/quizzes/{FIXTURES['quiz_id']}/start/")
        # `is not None`: a response with an empty body (the 302) is falsy.
        attempt_path = urlparse(start.headers.get("Location", "")).path if start is not None else ""
        if not attempt_path:
            return  # the task's own wait follows
        page = self.step("quiz page", "GET", attempt_path)
        self.wait()
        text = page.text if page is not None else ""
        answers = dict(re.findall(r'name="(q-\d+)" value="([^"]+)"', text))
        self.step("quiz submit", "POST", attempt_path.rstrip("/") + "/submit/", data=answers)


class Trainer(JourneyUser):
    fixed_count = 1  # one trainer whatever the number of trainees
    wait_time = constant(5)

    def on_start(self) -> None:
        self.use_session(FIXTURES["trainer"])
        self.path = f"/classes/sessions/{FIXTURES['hall_session_id']}/attendance/"
        self.statuses = itertools.cycle(("present", "excused"))

    @task
    def mark_hall(self) -> None:
        page = self.step("attendance page", "GET", self.path)
        status = next(self.statuses)
        form = {f"status_{uid}": status for uid in FIXTURES["hall_user_ids"]}
        # What the page showed when loaded: without it a save never overwrites a mark.
        loaded = re.search(r'name="loaded" value="([^"]*)"', page.text if page is not None else "")
        form["loaded"] = html.unescape(loaded.group(1)) if loaded else "{}"
        self.step("attendance mark", "POST", self.path, data=form)
