# gunicorn settings for the gateway; every value can be overridden on the command line.
import os

bind = os.environ.get("JARYO_GATEWAY_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("JARYO_GATEWAY_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("JARYO_GATEWAY_THREADS", "16"))
timeout = 120
graceful_timeout = 30
accesslog = "-"
