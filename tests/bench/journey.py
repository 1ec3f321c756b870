"""The load journey, as a bounded thread pool (locust is not installed on these machines).

Each simulated trainee signs in (a few through the real login form; allauth allows 30 logins a
minute per IP, and all traffic here comes from 127.0.0.1, so the rest arrive with a session made
beforehand), reads lessons, starts and submits the course quiz, and thinks between steps. One
trainer marks the hall of 500 now and then. Stops after `seconds`; reports errors and p95.
"""

import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.bench.client import Session, latency_summary

THINK_S = (1.0, 3.0)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def call(self, name: str, fn, ok=(200, 302)):
        started = time.perf_counter()
        try:
            response = fn()
        except Exception:  # noqa: BLE001 - counted as an error of this step
            response = None
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.timings.setdefault(name, []).append(elapsed)
            if response is None or response.status not in ok:
                self.errors[name] = self.errors.get(name, 0) + 1
        return response


def _trainee(port, fixtures, index, deadline, recorder, rng):
    login = fixtures["journey_logins"][index] if index < len(fixtures["journey_logins"]) else None
    if login:
        session = Session(port)
        recorder.call("login form", lambda: session.get("/accounts/login/"))
        recorder.call(
            "login",
            lambda: session.post(
                "/accounts/login/", {"login": login, "password": fixtures["journey_password"]}
            ),
            ok=(302,),
        )
    else:
        session = Session(port, cookie=fixtures["journey_cookies"][index])
    lessons = fixtures["lesson_paths"]
    while time.monotonic() < deadline:
        for path in rng.sample(lessons, k=min(2, len(lessons))):
            recorder.call("lesson", lambda path=path: session.get(path))
            time.sleep(rng.uniform(*THINK_S))
            if time.monotonic() >= deadline:
                return
        start = recorder.call(
            "quiz start", lambda: session.post(f"/quizzes/{fixtures['quiz_id']}/start/", {})
        )
        if start is None or not start.location:
            time.sleep(rng.uniform(*THINK_S))
            continue
        attempt_path = start.location
        page = recorder.call("quiz page", lambda path=attempt_path: session.get(path))
        time.sleep(rng.uniform(*THINK_S))
        answers = dict.fromkeys(set(re.findall(r'name="(q-\d+)"', page.text if page else "")), "a0")
        submit_path = attempt_path.rstrip("/") + "/submit/"
        recorder.call(
            "quiz submit", lambda path=submit_path, form=answers: session.post(path, form)
        )
        time.sleep(rng.uniform(*THINK_S))


def _trainer(port, fixtures, deadline, recorder):
    session = Session(port, cookie=fixtures["trainer"])
    path = f"/classes/sessions/{fixtures['hall_session_id']}/attendance/"
    flip = 0
    while time.monotonic() < deadline:
        recorder.call("attendance page", lambda: session.get(path))
        status = ("present", "excused")[flip % 2]
        flip += 1
        form = {f"status_{uid}": status for uid in fixtures["hall_user_ids"]}
        recorder.call("attendance mark", lambda form=form: session.post(path, form))
        time.sleep(5)


def run(*, port: int, fixtures: dict, users: int, seconds: int, ramp_s: float = 10) -> dict:
    users = min(users, len(fixtures["journey_cookies"]))
    recorder = Recorder()
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=users + 1) as pool:
        pool.submit(_trainer, port, fixtures, deadline, recorder)
        for index in range(users):
            rng = random.Random(index)  # noqa: S311 - think times
            pool.submit(_trainee, port, fixtures, index, deadline, recorder, rng)
            time.sleep(ramp_s / users)
    everything = [t for timings in recorder.timings.values() for t in timings]
    result = {
        "users": users,
        "seconds": seconds,
        "requests": len(everything),
        "errors": sum(recorder.errors.values()),
        "errors_by_step": recorder.errors,
        **latency_summary(everything or [0.0]),
        "steps": {name: latency_summary(t) for name, t in recorder.timings.items()},
    }
    return result
