"""The load test: people using Jaryo through its REST API (bench/load/locustfile.py), in steps of
a rising arrival rate of uploads, against a running cluster; the highest rate it sustains with
p95 upload acceptance < 300 ms and p95 upload completion < 3x a single-image upload's time, and
what saturates first.

    JARYO_REGISTRATIONS_PER_ADDRESS=100000 make up      # in another shell; see docs/performance.md
    source scripts/lib.sh && .venv/bin/python -m bench.load_test [--quick]

First it times single-page uploads on the idle cluster (the yardstick), then runs locust headless
in a subprocess through the steps while sampling, once a second, the CPU of each cluster process
(found under make up's honcho, .data/run/cluster.pid) and of the servers, and the work queues'
depths. Each step is judged on its steady part (after one pacing interval). Prints a markdown
table and the verdict, and writes the curve to docs/performance/load.png. Everything the people
made is deleted at the end (the janitor purges it); locust's log and CSVs stay in a temporary
folder printed at the start.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import urllib3

from bench.load import analysis, journal, plan, plot, report, single_image
from bench.load.cpu import Sampler
from bench.load.pages import page_pools
from bench.load.queues import depth_probe
from jaryo_shared.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 300  # the last journeys may finish after the last step
LOCUST_OPTIONS = (
    f"--headless -f bench/load/locustfile.py,bench/load/steps.py --only-summary "
    f"--loglevel WARNING --stop-timeout {STOP_TIMEOUT_SECONDS}"
).split()
QUICK = {"rates": "0.025,0.05,0.1", "step_seconds": 90.0, "pacing": 40.0}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    port = os.environ.get("JARYO_GATEWAY_PORT", "8080")
    parser.add_argument("--host", default=f"http://127.0.0.1:{port}", help="the gateway's URL")
    parser.add_argument(
        "--rates", default="0.025,0.05,0.1,0.15,0.2,0.3", help="uploads/s steps (x pacing: people)"
    )
    parser.add_argument("--step-seconds", type=float, default=120.0)
    parser.add_argument(
        "--pacing",
        type=float,
        default=plan.DEFAULT_PACING_SECONDS,
        help="seconds between one person's journeys; the steady part of a step "
        "starts one pacing interval in",
    )
    parser.add_argument("--quick", action="store_true", help=f"three short steps: {QUICK}")
    parser.add_argument("--single-image-rounds", type=int, default=4)
    parser.add_argument(
        "--cluster-pid",
        type=Path,
        default=ROOT / ".data/run/cluster.pid",
        help="make up's pid file; the processes below it are the cluster",
    )
    parser.add_argument("--plot", type=Path, default=ROOT / "docs/performance/load.png")
    args = parser.parse_args()
    if args.quick:
        args.rates, args.step_seconds, args.pacing = QUICK.values()
    if args.step_seconds <= args.pacing:
        parser.error("a step must last longer than one pacing interval, its ramp")
    return args


def cluster_root(pid_file: Path) -> int | None:
    if pid_file.is_file() and psutil.pid_exists(int(pid_file.read_text().split()[0])):
        return int(pid_file.read_text().split()[0])
    print(
        f"no running cluster at {pid_file}: counting every process whose command line names "
        "a service (other checkouts' tests would count too)"
    )
    return None


def ready(host: str) -> None:
    response = urllib3.request("GET", f"{host}/readyz", timeout=10, retries=False)
    if response.status != 200:
        raise SystemExit(f"{host}/readyz answered {response.status}: is the cluster up?")


def main() -> None:
    args = arguments()
    ready(args.host)
    staircase = plan.Staircase(tuple(float(r) for r in args.rates.split(",")), args.step_seconds)
    folder = Path(tempfile.mkdtemp(prefix="jaryo-load-"))
    print(
        f"steps {staircase.rates} uploads/s, {staircase.seconds:g} s each, a journey every "
        f"{args.pacing:g} s a person; locust's log and CSVs in {folder}"
    )
    pools = page_pools()
    yardstick = single_image.measure(
        args.host, [pools["en"][0], pools["ko"][0]], args.single_image_rounds
    )
    print(
        f"single-image upload on the idle cluster: median {yardstick.median_s:.2f} s "
        f"(rounds {', '.join(f'{s:.2f}' for s in yardstick.seconds)}; OCR engine "
        f"{', '.join(str(ms) for ms in yardstick.engine_ms)} ms)"
    )
    samples = run_locust(args, staircase, folder, cluster_root(args.cluster_pid))
    journeys, steps = journal.read(folder / "journal.jsonl")
    targets = analysis.Targets.from_single_image(yardstick.median_s)
    windows = analysis.windows(steps, staircase.seconds, settle=args.pacing)
    results = [
        analysis.step_result(step, window, journeys, samples, targets)
        for step, window in zip(steps, windows, strict=True)
    ]
    cores = psutil.cpu_count() or 1
    print()
    print(report.table(results))
    print()
    print(report.verdict(results, targets, cores))
    title = (
        f"Jaryo load test {datetime.date.today()}, {cores} cores shared; single-image "
        f"upload {yardstick.median_s:.2f} s idle, a journey every {args.pacing:g} s a person"
    )
    plot.draw(results, targets, title, args.plot)
    print(f"plot: {args.plot}")


def run_locust(
    args: argparse.Namespace, staircase: plan.Staircase, folder: Path, root: int | None
) -> list:
    """locust through the steps, with the sampler running; its samples."""
    env = {
        **os.environ,
        **staircase.environment(),
        plan.PACING_ENV: str(args.pacing),
        journal.JOURNAL_ENV: str(folder / "journal.jsonl"),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "locust", *LOCUST_OPTIONS, "--host", args.host]
    command += ["--csv", str(folder / "locust")]
    limit = len(staircase.rates) * staircase.seconds + STOP_TIMEOUT_SECONDS + 120
    with (
        depth_probe(Settings()) as depths,
        Sampler(root, queue_depths=depths) as sampler,
        (folder / "locust.log").open("wb") as log,
    ):
        locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler.load_root = locust.pid
        began = time.monotonic()
        try:
            locust.wait(timeout=limit)
        finally:
            if locust.poll() is None:
                locust.terminate()
                locust.wait()
    print(f"locust ran {time.monotonic() - began:.0f} s, exit code {locust.returncode}")
    return sampler.samples


if __name__ == "__main__":
    main()
