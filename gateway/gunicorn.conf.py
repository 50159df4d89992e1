# gunicorn settings for the gateway; every value can be overridden on the command line.
import os
import shutil
import tempfile

# Each worker process writes its Prometheus samples to PROMETHEUS_MULTIPROC_DIR and /metrics adds
# them up. It is set here, in the master, before prometheus_client is imported anywhere: the
# library picks its mode at import, and the workers are forked from this process. Emptied at
# start so a restart does not count twice (jaryo_shared.metrics.multiprocess_dir does the
# same for the OCR service, which may import prometheus_client first because it spawns).
_made_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(
    prefix="jaryo-metrics-"
)
shutil.rmtree(_metrics_dir, ignore_errors=True)
os.makedirs(_metrics_dir, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir

bind = os.environ.get("JARYO_GATEWAY_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("JARYO_GATEWAY_WORKERS", "2"))
worker_class = "gthread"
# Requests waiting on an upload (?wait=N, /events) hold a thread each; the app caps them at
# JARYO_PROGRESS_MAX_WAITERS (56) per process so the rest keep serving everyone else.
threads = int(os.environ.get("JARYO_GATEWAY_THREADS", "64"))
timeout = 120
graceful_timeout = 30
accesslog = "-"


def child_exit(_server, worker):
    from jaryo_shared import metrics  # here, not at the top: see PROMETHEUS_MULTIPROC_DIR above

    metrics.process_exited(worker.pid)


def on_exit(_server):
    if _made_metrics_dir:  # a temporary one of our own; a configured one is the operator's
        shutil.rmtree(_metrics_dir, ignore_errors=True)
