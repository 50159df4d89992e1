# gunicorn settings for the gateway; every value can be overridden on the command line.
import glob
import os
import shutil
import tempfile

# Each worker process writes its Prometheus samples to PROMETHEUS_MULTIPROC_DIR and /metrics adds
# them up. It is set here, in the master, before prometheus_client is imported anywhere: the
# library picks its mode at import, and the workers are forked from this process. Stale sample
# files (*.db) are removed at start so a restart does not count twice; nothing else in the folder
# is touched (it may be the operator's). gunicorn reads this file again on a reload (SIGHUP)
# while the old workers still write: the marker makes that a no-op.
if not os.environ.get("_JARYO_GUNICORN_METRICS"):
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jaryo-metrics-")
        os.environ["_JARYO_GUNICORN_METRICS"] = "temporary"  # ours: removed at exit
    else:
        os.environ["_JARYO_GUNICORN_METRICS"] = "given"
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    for stale in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(stale)

bind = os.environ.get("JARYO_GATEWAY_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("JARYO_GATEWAY_WORKERS", "2"))
# gthread, with gunicorn's own error answers as problem+json and no Server header (serving.py).
worker_class = "gateway.serving.Worker"
# Requests waiting on an upload (?wait=N, /events) hold a thread each; the app caps them at
# JARYO_PROGRESS_MAX_WAITERS (56) per process so the rest keep serving everyone else.
threads = int(os.environ.get("JARYO_GATEWAY_THREADS", "64"))
timeout = 120
graceful_timeout = 30
# How long an idle connection stays open for the client's next request (gunicorn's default, 2 s).
# A request sent just as the server closes its connection is reset, and clients retry only some;
# behind a load balancer, set it above the balancer's idle timeout (60 s on many), so that the
# server never closes first.
keepalive = int(os.environ.get("JARYO_GATEWAY_KEEPALIVE_SECONDS", "2"))
accesslog = "-"


def when_ready(_server):
    # /metrics is served by this master process, on JARYO_METRICS_PORT (0: none), adding up every
    # worker's samples; the public port never serves it.
    from gateway.settings import GatewaySettings
    from jaryo_shared import metrics

    settings = GatewaySettings()
    metrics.serve(settings.metrics_port, settings.metrics_address)


def child_exit(_server, worker):
    from jaryo_shared import metrics  # here, not at the top: see PROMETHEUS_MULTIPROC_DIR above

    metrics.process_exited(worker.pid)


def on_exit(_server):
    if os.environ.get("_JARYO_GUNICORN_METRICS") == "temporary":
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
