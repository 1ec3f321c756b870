"""`make bench`: measure the LMS against a bare-Django floor, on this machine, in one run.

Creates a dedicated PostgreSQL database, generates load data, serves the LMS and the floor with
the same gunicorn config, measures GET pages with wrk and POST journeys with a small HTTP client,
times coverage, certificate PDFs and roster import in-process against hand-written baselines,
runs a bounded load journey, prints PASS/FAIL per target and writes results/latest.json.

All traffic goes to 127.0.0.1; every loop is bounded in count and time; gunicorn is stopped at
the end whatever happens.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

from tests.bench import client as http
from tests.bench import journey

ROOT = Path(__file__).resolve().parents[2]
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PYTHON = sys.executable
APP_PORT, FLOOR_PORT = 8701, 8702

MODERATE = {
    "agencies": 500,
    "trainees": 20_000,
    "courses": 8,
    "completions": 200_000,
    "certificates": 10_000,
}
FULL = {
    "agencies": 2_000,
    "trainees": 100_000,
    "courses": 12,
    "completions": 1_000_000,
    "certificates": 50_000,
}

# Targets of issues 9 and 19; each is checked against the measured value in `targets()`.
TARGETS = {
    "lesson_vs_floor": ">= 0.25 of floor req/s",
    "catalogue_vs_floor": ">= 0.6 of floor req/s",
    "coverage_vs_floor": ">= 0.05 of floor req/s",
    "coverage_p95_ms": "p95 < 300 ms",
    "quiz_submit_queries": "<= 15 queries",
    "quiz_submit_p95_ms": "p95 < 300 ms",
    "attendance_500_queries": "<= 5 queries",
    "coverage_vs_sql": "<= 2x raw SQL",
    "certificates_vs_bare": ">= 0.6 of a bare reportlab canvas",
    "journey": "0 errors and p95 < 1 s (think 5-15 s)",
    "journey_stress": "0 errors and p95 < 1 s (think 1-3 s)",
    "worker_rss_mb": "<= 200 MiB peak per worker",
    "roster_5000_s": "<= 1.5 s",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- setup ------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing it from Debian (apt-get install -y wrk)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, timeout=300)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=300)
    return shutil.which("wrk")


def bench_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://iso.example.vn",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(RESULTS / "static"),
        MEDIA_ROOT=str(RESULTS / "media"),
        CONN_MAX_AGE="60",
        PYTHONPATH=str(ROOT),
    )
    # As deployed on more than one worker process: cache and sessions in Redis (shared by the
    # workers, so invalidation reaches all of them); no broker, tasks run in-process.
    for name in ("CELERY_BROKER_URL", "CACHE_URL"):
        env.pop(name, None)
    env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    return env


def flush_redis(url: str) -> None:
    """Start from an empty cache: nothing cached by an earlier run is measured."""
    import redis

    redis.Redis.from_url(url).flushdb()


def create_database(database_url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"lms_bench\w*", name):
        raise SystemExit(f"refusing to recreate {name!r}: the bench database must be lms_bench*")
    admin_url = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str, timeout: int = 1800) -> None:
    log("manage.py " + " ".join(args))
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


@contextmanager
def gunicorn(env: dict, app: str, port: int, ready_path: str):
    """A gunicorn master with the shared config; stopped (and waited for) on exit."""
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            str(BENCH / "gunicorn_conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            app,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        http.wait_until_up(port, ready_path, timeout=180)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mb(master_pid: int) -> float | None:
    """VmHWM (peak resident set) of the largest worker, in MiB."""
    peaks = []
    for pid in worker_pids(master_pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return round(max(peaks), 1) if peaks else None


# -- measuring GETs with wrk ------------------------------------------------------------------


def wrk(binary: str, url: str, *, cookie: str = "", seconds: int, connections: int = 8) -> dict:
    argv = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    argv += ["-s", str(BENCH / "report.lua")]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    run = subprocess.run(
        [*argv, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    line = next(line for line in run.stdout.splitlines() if line.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON "))


def median_of(rounds: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in rounds), 2)


def measure_pages(binary: str, fixtures: dict, *, seconds: int, rounds: int) -> dict:
    """Every target once per round; the order rotates so no page always runs first."""
    targets = [
        ("floor", f"http://127.0.0.1:{FLOOR_PORT}/", ""),
        ("lesson", f"http://127.0.0.1:{APP_PORT}{fixtures['lesson_path']}", fixtures["trainee"]),
        ("catalogue", f"http://127.0.0.1:{APP_PORT}{fixtures['catalogue_path']}", ""),
        ("coverage", f"http://127.0.0.1:{APP_PORT}/coverage/", fixtures["officer"]),
    ]
    samples = {name: [] for name, _url, _cookie in targets}
    for round_no in range(rounds):
        order = targets[round_no % len(targets) :] + targets[: round_no % len(targets)]
        for name, url, cookie in order:
            result = wrk(binary, url, cookie=cookie, seconds=seconds)
            # Requests wrk left queued still occupy the workers: let them finish first.
            port = int(urllib.parse.urlparse(url).port)
            http.wait_until_up(port, "/healthz" if port == APP_PORT else "/", timeout=300)
            log(f"round {round_no + 1} {name}: {result['rps']:.0f} req/s p95 {result['p95_ms']} ms")
            samples[name].append(result)
    floor_rps = median_of(samples["floor"], "rps")
    pages = {}
    for name, results in samples.items():
        rps = median_of(results, "rps")
        pages[name] = {
            "rps": rps,
            "ratio_to_floor": round(rps / floor_rps, 3) if floor_rps else None,
            "p50_ms": median_of(results, "p50_ms"),
            "p95_ms": median_of(results, "p95_ms"),
            "errors": sum(r["errors"] for r in results),
            "rounds": results,
        }
    return pages


# -- measuring POSTs over HTTP ----------------------------------------------------------------


def measure_quiz_submit(fixtures: dict, *, rounds: int, per_round: int) -> dict:
    """Start an attempt, open it, submit 20 answers: only the submit is timed."""
    timings, errors = [], 0
    quiz_id = fixtures["quiz_id"]
    cookies = fixtures["quiz_trainees"]
    for round_no in range(rounds):
        for n in range(per_round):
            session = http.Session(
                APP_PORT, cookie=cookies[(round_no * per_round + n) % len(cookies)]
            )
            session.get(fixtures["quiz_path"])
            response = session.post(f"/quizzes/{quiz_id}/start/", {})
            attempt_path = response.location
            page = session.get(attempt_path)
            answers = dict(re.findall(r'name="(q-\d+)" value="([^"]+)"', page.text))
            submit_path = attempt_path.rstrip("/") + "/submit/"
            started = time.perf_counter()
            response = session.post(submit_path, answers)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status not in (200, 302) or not attempt_path.startswith("/quizzes/"):
                errors += 1
    return {**http.latency_summary(timings), "errors": errors}


def measure_attendance(fixtures: dict, *, rounds: int, per_round: int) -> dict:
    """Mark the hall of 500 in one POST, flipping everyone between present and late."""
    timings, errors = [], 0
    path = f"/classes/sessions/{fixtures['hall_session_id']}/attendance/"
    session = http.Session(APP_PORT, cookie=fixtures["trainer"])
    for n in range(rounds * per_round):
        status = "present" if n % 2 == 0 else "late"
        form = {f"status_{uid}": status for uid in fixtures["hall_user_ids"]}
        form.update(http.loaded_rows(session.get(path).text))  # as a trainer's page carries
        started = time.perf_counter()
        response = session.post(path, form)
        timings.append((time.perf_counter() - started) * 1000)
        errors += response.status not in (200, 302)
    return {**http.latency_summary(timings), "errors": errors}


# -- verdicts ---------------------------------------------------------------------------------


def _at_least(value, target) -> tuple[bool, str]:
    ok = value is not None and value >= target
    return ok, f"{value} (target {target}, {value / target:.0%} of it)" if value else "none"


def _at_most(value, target) -> tuple[bool, str]:
    ok = value is not None and value <= target
    return ok, f"{value} (target {target}, {value / target:.0%} of it)" if value else "none"


def _journey_check(journey_result: dict) -> tuple[bool, str]:
    ok = journey_result["errors"] == 0 and journey_result["p95_ms"] < 1000
    return ok, f"{journey_result['errors']} errors, p95 {journey_result['p95_ms']:.0f} ms"


def targets(results: dict) -> dict:
    """PASS/FAIL per target with the measured value and how far it is from the target."""
    pages, inproc = results["pages"], results["in_process"]
    quiz = results["quiz_submit"]
    checks = {
        "lesson_vs_floor": _at_least(pages["lesson"]["ratio_to_floor"], 0.25),
        "catalogue_vs_floor": _at_least(pages["catalogue"]["ratio_to_floor"], 0.6),
        "coverage_vs_floor": _at_least(pages["coverage"]["ratio_to_floor"], 0.05),
        "coverage_p95_ms": (pages["coverage"]["p95_ms"] < 300, f"{pages['coverage']['p95_ms']}"),
        "quiz_submit_queries": _at_most(inproc["queries"]["quiz_submit"], 15),
        "quiz_submit_p95_ms": (quiz["p95_ms"] < 300 and not quiz["errors"], f"{quiz['p95_ms']}"),
        "attendance_500_queries": _at_most(inproc["queries"]["attendance_500"], 5),
        "coverage_vs_sql": _at_most(inproc["coverage"]["ratio_to_sql"], 2),
        "certificates_vs_bare": _at_least(inproc["certificates"]["ratio_to_bare"], 0.6),
        "worker_rss_mb": _at_most(results.get("peak_rss_mb", {}).get("app"), 200),
        "roster_5000_s": _at_most(inproc["roster"]["median_s"], 1.5),
    }
    for name in ("journey", "journey_stress"):
        if name in results:
            checks[name] = _journey_check(results[name])
    return {
        name: {"verdict": "PASS" if ok else "FAIL", "measured": measured}
        for name, (ok, measured) in checks.items()
    }


def table(results: dict) -> str:
    pages, inproc = results["pages"], results["in_process"]
    q = inproc["queries"]
    rss = results.get("peak_rss_mb", {})
    rows = [("measure", "value", "floor / baseline", "ratio", "p50 ms", "p95 ms", "queries")]
    floor = pages["floor"]
    for name in ("lesson", "catalogue", "coverage"):
        page = pages[name]
        rows.append(
            (
                f"GET {name}",
                f"{page['rps']:.0f} req/s",
                f"{floor['rps']:.0f} req/s",
                f"{page['ratio_to_floor']:.3f}",
                f"{page['p50_ms']:.1f}",
                f"{page['p95_ms']:.1f}",
                str(q.get(name, "")),
            )
        )
    quiz, hall = results["quiz_submit"], results["attendance"]
    rows.append(("POST quiz submit (20 q)", "", "", "", f"{quiz['p50_ms']:.1f}",
                 f"{quiz['p95_ms']:.1f}", str(q["quiz_submit"])))  # fmt: skip
    rows.append(("POST mark 500 attendees", "", "", "", f"{hall['p50_ms']:.1f}",
                 f"{hall['p95_ms']:.1f}", str(q["attendance_500"])))  # fmt: skip
    cov = inproc["coverage"]
    rows.append(("coverage_by_agency", f"{cov['selector_ms']:.0f} ms",
                 f"{cov['sql_ms']:.0f} ms SQL", f"{cov['ratio_to_sql']:.2f}",
                 "", "", ""))  # fmt: skip
    rows.append(("coverage_report csv", f"{cov['command_ms']:.0f} ms", "", "", "", "", ""))
    cert = inproc["certificates"]
    rows.append(("certificate PDFs", f"{cert['per_s']:.0f}/s",
                 f"{cert['bare_per_s']:.0f}/s canvas", f"{cert['ratio_to_bare']:.2f}",
                 "", "", ""))  # fmt: skip
    roster = inproc["roster"]
    rows.append(("roster import 5000 xlsx", f"{roster['median_s']:.2f} s", "", "", "", "", ""))
    for name in ("journey", "journey_stress"):
        if name not in results:
            continue
        j = results[name]
        think = "–".join(f"{t:g}" for t in j.get("think_s", ()))
        rows.append((f"{name} {j['users']} users", f"{j['requests']} req, {j['errors']} err",
                     f"think {think} s", "", f"{j['p50_ms']:.0f}", f"{j['p95_ms']:.0f}",
                     ""))  # fmt: skip
    rows.append(("peak RSS per worker", f"app {rss.get('app')} MiB",
                 f"floor {rss.get('floor')} MiB", "", "", "", ""))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in rows]  # fmt: skip
    lines.append("")
    for name, check in results["targets"].items():
        lines.append(f"{check['verdict']}  {name:<24} {TARGETS[name]:<40} {check['measured']}")
    return "\n".join(lines)


# -- the run ----------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the issue's volumes (slow)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_bench"
        ),
    )
    parser.add_argument("--reuse-data", action="store_true", help="skip create/migrate/generate")
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--journey-users", type=int, default=400)
    parser.add_argument("--journey-seconds", type=int, default=60)
    parser.add_argument(
        "--journey-think",
        default="5,15",
        help="seconds a trainee pauses between steps, as MIN,MAX",
    )
    parser.add_argument(
        "--stress-think",
        default="1,3",
        help="the stress journey's pause (a class doing a quiz together); empty to skip it",
    )
    for name, value in MODERATE.items():
        parser.add_argument(f"--{name}", type=int, default=None, help=f"default {value}")
    args = parser.parse_args(argv)
    volumes = dict(FULL if args.full else MODERATE)
    volumes.update({k: getattr(args, k) for k in MODERATE if getattr(args, k) is not None})

    started = time.monotonic()
    binary = ensure_wrk()
    RESULTS.mkdir(exist_ok=True)
    env = bench_env(args.database_url)
    flush_redis(env["REDIS_URL"])
    if not args.reuse_data:
        log(f"creating {args.database_url}")
        create_database(args.database_url)
        manage(env, "migrate", "--noinput", "-v0")
        generate = ["generate_load_data", *[f"--{k}={v}" for k, v in volumes.items()]]
        manage(env, *generate, timeout=3 * 3600)
    manage(env, "collectstatic", "--noinput", "-v0")  # the manifest production settings need
    generated_s = round(time.monotonic() - started, 1)

    # In-process work runs with the same settings and database as gunicorn.
    os.environ.update(env)
    import django

    django.setup()
    from tests.bench import inprocess

    fixtures = inprocess.prepare(journey_users=args.journey_users)
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "volumes": volumes,
        "setup_s": generated_s,
    }
    floor_env = dict(env, DJANGO_SETTINGS_MODULE="tests.bench.floor.settings")
    with (
        gunicorn(env, "lms.wsgi:application", APP_PORT, "/healthz") as app,
        gunicorn(floor_env, "tests.bench.floor.wsgi:application", FLOOR_PORT, "/") as floor,
    ):
        log("GET pages with wrk")
        results["pages"] = measure_pages(binary, fixtures, seconds=args.seconds, rounds=args.rounds)
        log("POST quiz submit and attendance marking")
        results["quiz_submit"] = measure_quiz_submit(fixtures, rounds=args.rounds, per_round=10)
        results["attendance"] = measure_attendance(fixtures, rounds=args.rounds, per_round=3)
        journeys = {"journey": args.journey_think, "journey_stress": args.stress_think}
        for name, think in journeys.items():
            if not args.journey_users or not think:
                continue
            log(f"{name}: {args.journey_users} users for {args.journey_seconds} s, think {think}")
            results[name] = journey.run(
                port=APP_PORT,
                fixtures=fixtures,
                users=args.journey_users,
                seconds=args.journey_seconds,
                think_s=tuple(float(part) for part in think.split(",")),
            )
        results["peak_rss_mb"] = {"app": peak_rss_mb(app.pid), "floor": peak_rss_mb(floor.pid)}
    log("in-process: query counts, coverage, certificates, roster import")
    results["in_process"] = inprocess.measure(fixtures, rounds=args.rounds)
    results["targets"] = targets(results)
    results["total_s"] = round(time.monotonic() - started, 1)
    (RESULTS / "latest.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    print()
    print(table(results))
    print(f"\nwrote {RESULTS / 'latest.json'} in {results['total_s']} s")
    return 0


if __name__ == "__main__":
    tempfile.tempdir = None
    sys.exit(main())
