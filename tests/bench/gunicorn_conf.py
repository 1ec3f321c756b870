"""One gunicorn config for the LMS and the floor, so both are measured the same way."""

import os

workers = int(os.environ.get("BENCH_WORKERS", "2"))
# BENCH_WORKER_CLASS=gthread BENCH_THREADS=4 to compare; sync measured best on 2 cores (README).
worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
threads = int(os.environ.get("BENCH_THREADS", "1"))
timeout = 60
graceful_timeout = 5
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"
