"""The load journey: locust, headless, against 127.0.0.1 for a bounded time.

The scenario lives in `locustfile.py` (trainees reading lessons and taking the quiz, one trainer
marking the hall of 500). Here it is run as a subprocess, so gevent's monkey patching stays in
the load generator and out of the bench process that has Django set up, and locust's CSV
statistics are read back into the result shape `run.py` reports: errors and p95, per step too.
"""

import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parents[1]
LOCUSTFILE = BENCH / "locustfile.py"
FIXTURES_ENV = "BENCH_JOURNEY_FIXTURES"
# Users ramp up over this many seconds, as a crowd arriving rather than all at once.
# People reach a class over a minute or so, not all in the same second.
RAMP_S = 30
# A user busy with a request when time is up finishes it (and it is counted): the client's
# 120 s request timeout bounds that wait.
STOP_TIMEOUT_S = 130
# Locust's own start-up and shutdown, on top of the run and the stop timeout.
SLACK_S = 60
FIXTURE_KEYS = (
    "journey_logins",
    "journey_password",
    "lesson_paths",
    "quiz_id",
    "trainer",
    "hall_session_id",
    "hall_user_ids",
)
CPU_WARNING = "CPU usage above"


def run(
    *,
    port: int,
    fixtures: dict,
    users: int,
    seconds: int,
    think_s: tuple[float, float] = (5, 15),
    ramp_s: float = RAMP_S,
) -> dict:
    """`users` trainees plus one trainer for `seconds`; p50/p95 over all requests and per step.

    `think_s` is each trainee's pause between steps, drawn uniformly: (5, 15) is a trainee who
    clicks faster than anyone reads a lesson; (1, 3) is a stress test, not a classroom.
    """
    if importlib.util.find_spec("locust") is None:
        raise RuntimeError("locust is missing: `make bench` installs it (the `bench` extra)")
    users = min(users, len(fixtures["journey_cookies"]))
    with tempfile.TemporaryDirectory(prefix="bench-journey-") as tmp:
        tmp = Path(tmp)
        fixtures_path = tmp / "fixtures.json"
        scenario = {**_scenario_fixtures(fixtures, users), "think_s": list(think_s)}
        fixtures_path.write_text(json.dumps(scenario), encoding="utf-8")
        log = _run_locust(
            port=port,
            users=users,
            seconds=seconds,
            spawn_rate=max(1.0, users / ramp_s),
            fixtures_path=fixtures_path,
            prefix=tmp / "j",
        )
        stats = _read_csv(tmp / "j_stats.csv", log)
        failures = _read_csv(tmp / "j_failures.csv", log)
    result = _result(users, seconds, stats, failures, cpu_warning=CPU_WARNING in log)
    return {**result, "think_s": list(think_s)}


def _scenario_fixtures(fixtures: dict, users: int) -> dict:
    return {
        **{key: fixtures[key] for key in FIXTURE_KEYS},
        "journey_cookies": fixtures["journey_cookies"][:users],
    }


def _run_locust(
    *, port: int, users: int, seconds: int, spawn_rate: float, fixtures_path: Path, prefix: Path
) -> str:
    """Runs locust to completion (bounded by a timeout) and returns its log."""
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users + 1),  # the trainer is the one fixed-count user
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        str(STOP_TIMEOUT_S),
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    completed = subprocess.run(  # noqa: S603 - fixed argv
        command,
        cwd=ROOT,
        env={**os.environ, FIXTURES_ENV: str(fixtures_path)},
        capture_output=True,
        text=True,
        timeout=seconds + STOP_TIMEOUT_S + SLACK_S,
        check=False,  # locust exits 1 when any request failed: that is a result, not a crash
    )
    return completed.stdout + completed.stderr


def _read_csv(path: Path, log: str) -> list[dict]:
    if not path.exists():
        raise RuntimeError(f"locust wrote no {path.name}; its output ends with:\n{log[-3000:]}")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ms(value: str) -> float:
    """Locust writes N/A for a step that never answered."""
    try:
        return round(float(value), 1)
    except ValueError:
        return 0.0


def _summary(row: dict) -> dict:
    """The keys of `client.latency_summary`, from one row of locust's stats."""
    return {
        "count": int(row["Request Count"]),
        "p50_ms": _ms(row["50%"]),
        "p95_ms": _ms(row["95%"]),
        "max_ms": _ms(row["Max Response Time"]),
    }


def _result(users: int, seconds: int, stats: list[dict], failures: list[dict], *, cpu_warning):
    steps = [row for row in stats if row["Name"] != "Aggregated"]
    total = next(row for row in stats if row["Name"] == "Aggregated")
    return {
        "users": users,
        "seconds": seconds,
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "errors_by_step": {
            row["Name"]: int(row["Failure Count"]) for row in steps if int(row["Failure Count"])
        },
        **_summary(total),
        "steps": {row["Name"]: _summary(row) for row in steps},
        "failures": [
            {"step": row["Name"], "error": row["Error"], "occurrences": int(row["Occurrences"])}
            for row in failures
        ],
        # Locust shares the 2 cores with gunicorn; a saturated generator understates load.
        "load_generator_cpu_warning": cpu_warning,
    }
