"""One gunicorn config for the LMS and the floor, so both are measured the same way."""

import os

workers = int(os.environ.get("BENCH_WORKERS", "2"))
worker_class = "sync"
timeout = 60
graceful_timeout = 5
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"
