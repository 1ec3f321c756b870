"""One gunicorn config for the LMS and the floor, so both are measured the same way."""

import os

workers = int(os.environ.get("BENCH_WORKERS", "2"))
# Two sync workers, as the baselines were measured. gthread (BENCH_WORKER_CLASS=gthread
# BENCH_THREADS=4) was compared on the 2-core machine: a short wrk run served the lesson at
# 40-55 req/s against sync's 19-40 under the same shared load, but the one `make bench` made
# with it (29/11/2026) peaked one worker at 423 MiB (concurrent dashboard builds in threads)
# and served the lesson at 52-124 req/s and the 5-15 s journey at p95 3.9 s, against the
# issue's sync run at 123 req/s and p95 330 ms (tests/bench/README.md).
worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
threads = int(os.environ.get("BENCH_THREADS", "1"))
timeout = 60
graceful_timeout = 5
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"
