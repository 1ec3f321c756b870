"""One gunicorn config for the LMS and the floor, so both are measured the same way."""

import os

workers = int(os.environ.get("BENCH_WORKERS", "2"))
# Two processes of four threads: a request waiting on PostgreSQL or Redis leaves the core to
# another. On the 2-core machine gthread served the lesson at 40-55 req/s where sync served
# 19-40 under the same load, and the cached dashboard at 19 against 6-10 req/s (README).
# BENCH_WORKER_CLASS=sync BENCH_THREADS=1 measures the old way.
worker_class = os.environ.get("BENCH_WORKER_CLASS", "gthread")
threads = int(os.environ.get("BENCH_THREADS", "4"))
timeout = 60
graceful_timeout = 5
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"
