"""Every figure of issue 16's throughput table, re-measured in one run: the upload, OCR and deck
benches one after the other on the local servers (each in a namespace of its own), then one
table of what each measured against its target.

    source scripts/lib.sh && .venv/bin/python -m bench.throughput [--quick] [--only ocr,deck]

(`make bench` runs it.) Each bench prints its own tables as it goes, with where the time goes;
the ratios are against a baseline run in the same bench, so they compare across machines. A
quick run (fewer rounds) is for trying the runner, not for quoting.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import figures

BENCHES: dict[str, tuple[list[str], list[str]]] = {
    # name: (arguments for a full run, for a quick one)
    "upload": (["--rounds", "7"], ["--rounds", "2"]),
    "ocr": (
        ["--rounds", "3", "--images", "20", "--fanout", "20", "--profile"],
        ["--rounds", "1", "--images", "4", "--fanout", "4"],
    ),
    "deck": (["--rounds", "5", "--profile"], ["--rounds", "2"]),
}


def run(name: str, arguments: list[str], out: Path) -> list[figures.Figure]:
    command = [sys.executable, "-m", f"bench.{name}", *arguments, "--figures", str(out)]
    print(f"\n## bench.{name}: {' '.join(command[2:])}\n", flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    print(f"(bench.{name} took {time.perf_counter() - started:.0f} s)", flush=True)
    return figures.load(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds: to try the runner")
    parser.add_argument("--only", default=",".join(BENCHES), help="benches to run, comma-separated")
    parser.add_argument("--figures", type=Path, help="also save every figure here (JSON)")
    args = parser.parse_args()
    found: list[figures.Figure] = []
    with tempfile.TemporaryDirectory(prefix="jaryo-throughput-") as work:
        for name in args.only.split(","):
            full, quick = BENCHES[name]
            found += run(name, quick if args.quick else full, Path(work) / f"{name}.json")
    print("\n## Issue 16's table, measured in this run\n")
    print(figures.table(found))
    figures.save(args.figures, found)


if __name__ == "__main__":
    main()
