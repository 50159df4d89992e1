# gunicorn settings for the gateway; every value can be overridden on the command line.
import os

bind = os.environ.get("JARYO_GATEWAY_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("JARYO_GATEWAY_WORKERS", "2"))
worker_class = "gthread"
# Requests waiting on an upload (?wait=N, /events) hold a thread each; the app caps them at
# JARYO_PROGRESS_MAX_WAITERS (56) per process so the rest keep serving everyone else.
threads = int(os.environ.get("JARYO_GATEWAY_THREADS", "64"))
timeout = 120
graceful_timeout = 30
accesslog = "-"
