"""How the gateway is served: gunicorn with gateway/gunicorn.conf.py, from the repository root.
The Procfile and the image run the same command; the tests and benchmarks start it with this."""

from __future__ import annotations

import sys


def gunicorn_command(access_log: str = "-") -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "gateway/gunicorn.conf.py",
        "--access-logfile",
        access_log,
        "gateway.app:create_app()",
    ]
