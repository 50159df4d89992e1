"""A whole Jaryo cluster of the fault suite's own, to kill piece by piece: its own RabbitMQ node,
FerretDB and SeaweedFS (started by scripts/infra.sh on other ports, with their data under
.data/faults/), and every service as the real process an operator runs. Nothing here touches the
developer's servers: a fault suite must never kill those (nor the ones colleagues' tests use)."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import urllib3
from pydantic import SecretStr

from gateway.serving import gunicorn_command
from jaryo_shared.settings import Settings
from tests.helpers import run_namespace, wait_until

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / ".data" / "faults"
INFRA = ROOT / "scripts" / "infra.sh"

# Beside the developer's defaults (5672, 27017, 8333, ...), never on them. SeaweedFS also listens
# on each of its HTTP ports + 10000 (gRPC), which is why these are not picked at random.
PORTS = {
    "JARYO_RABBITMQ_PORT": 5682,
    "JARYO_RABBITMQ_DIST_PORT": 25683,
    "JARYO_MONGO_PORT": 27037,
    "JARYO_S3_PORT": 8343,
    "JARYO_WEED_MASTER_PORT": 9343,
    "JARYO_WEED_VOLUME_PORT": 9350,
    "JARYO_WEED_FILER_PORT": 8898,
}
GRPC_OFFSET = 10000
RABBITMQ_NODE = "jaryo-faults@localhost"
GATEWAY_PORT = 8090

SERVERS = ("rabbitmq", "ferretdb", "seaweedfs")
WORKERS = {"storage": "storage_service", "ocr": "ocr_service", "deck": "deck_service"}


def _port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def infra_env() -> dict[str, str]:
    """scripts/infra.sh's environment for this cluster's servers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JARYO_")}
    env.update({name: str(port) for name, port in PORTS.items()})
    env["JARYO_DATA_DIR"] = str(DATA_DIR)
    env["JARYO_RABBITMQ_NODE"] = RABBITMQ_NODE
    for name in ("JARYO_S3_ACCESS_KEY", "JARYO_S3_SECRET_KEY"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def settings_for(run: str) -> Settings:
    """The namespace of one run, on this cluster's servers; production's delivery limit and
    retry pause, since how the product copes with faults is what is measured."""
    return Settings(
        service_name="faults",
        mongo_url=f"mongodb://127.0.0.1:{PORTS['JARYO_MONGO_PORT']}/",
        amqp_url=f"amqp://guest:guest@127.0.0.1:{PORTS['JARYO_RABBITMQ_PORT']}//",
        s3_endpoint=f"127.0.0.1:{PORTS['JARYO_S3_PORT']}",
        s3_access_key=SecretStr(os.environ.get("JARYO_S3_ACCESS_KEY", "jaryo-dev-access")),
        s3_secret_key=SecretStr(os.environ.get("JARYO_S3_SECRET_KEY", "jaryo-dev-secret-key")),
        **run_namespace("faults", run),
    )


@dataclass
class Cluster:
    settings: Settings
    log_dir: Path
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    _logs: dict[str, IO[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{GATEWAY_PORT}"

    # --- servers -------------------------------------------------------------------------------

    def start_servers(self) -> None:
        """From an empty data folder: what an earlier run left is no part of this one."""
        taken = [
            port
            for port in [*PORTS.values(), GATEWAY_PORT]
            if _port_taken(port) or (port in self._weed_ports() and _port_taken(port + GRPC_OFFSET))
        ]
        if taken:
            raise RuntimeError(f"ports {taken} are taken; is another fault run going on?")
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        self._infra("up")

    def stop_servers(self) -> None:
        self._infra("down")

    def _weed_ports(self) -> list[int]:
        return [
            PORTS[name]
            for name in (
                "JARYO_S3_PORT",
                "JARYO_WEED_MASTER_PORT",
                "JARYO_WEED_VOLUME_PORT",
                "JARYO_WEED_FILER_PORT",
            )
        ]

    def _infra(self, command: str) -> None:
        with (self.log_dir / "infra.log").open("ab") as log:
            subprocess.run(
                ["bash", str(INFRA), command],
                env=infra_env(),
                stdout=log,
                stderr=log,
                check=True,
                timeout=300,
            )

    def kill_server(self, name: str) -> None:
        """SIGKILL, as a crash or an OOM kill would: no chance to flush or say goodbye."""
        pid_file = DATA_DIR / "run" / f"{name}.pid"
        pid = int(pid_file.read_text().strip())
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not _alive(pid), timeout=30)
        if name == "rabbitmq":
            pid_file.unlink()  # infra.sh reads a pid file as "this node is running"

    def restart_servers(self) -> None:
        """`infra.sh up` starts whichever of the three is down and waits for it."""
        self._infra("up")

    # --- services ------------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        """Every setting of the run as the JARYO_* environment a service reads (over the
        developer's, which point at the developer's servers)."""
        env = dict(os.environ)
        for name, value in self.settings.model_dump(mode="json").items():
            env[f"JARYO_{name.upper()}"] = str(value)
        env["JARYO_S3_ACCESS_KEY"] = self.settings.s3_access_key.get_secret_value()
        env["JARYO_S3_SECRET_KEY"] = self.settings.s3_secret_key.get_secret_value()
        env["JARYO_JWT_SECRET"] = self.jwt_secret
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each service prepares its own
        return env

    def start_service(self, name: str) -> None:
        log = self._logs.get(name)
        if log is None:
            log = self._logs[name] = (self.log_dir / f"{name}.log").open("ab")
        env = self._env()
        if name == "gateway":
            env.update(
                {
                    "JARYO_GATEWAY_BIND": f"127.0.0.1:{GATEWAY_PORT}",
                    "JARYO_GATEWAY_WORKERS": "2",
                }
            )
            command = gunicorn_command(access_log="/dev/null")
        else:
            command = [sys.executable, "-m", WORKERS[name]]
            env.update({"JARYO_OCR_WORKERS": "1", "JARYO_PREVIEWS": "false"})
        # Its own process group: the kill takes every process of the service (gunicorn's
        # workers, the OCR supervisor's children), as a container's would.
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        if name == "gateway":
            wait_until(self._gateway_up, timeout=60, interval=0.2)

    def _gateway_up(self) -> bool:
        try:
            response = urllib3.request("GET", self.url + "/healthz", retries=False, timeout=2)
        except urllib3.exceptions.HTTPError:
            return False
        return response.status == 200

    def kill_service(self, name: str) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        # A SIGKILLed parent leaves its children to init; they are in its group, so wait for
        # the group to be gone before a new one binds the same port.
        wait_until(lambda: not _group_alive(process.pid), timeout=30)

    def stop_services(self) -> None:
        for name, process in list(self.processes.items()):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            del self.processes[name]
        for log in self._logs.values():
            log.close()

    def janitor_run_once(self) -> subprocess.CompletedProcess:
        """One janitor run as a CronJob runs it, as if every retention window had passed: what
        is left in staging and every object without a document are removed."""
        env = self._env()
        env.update({"JARYO_ORPHAN_HOURS": "0.0001", "JARYO_STAGING_RETENTION_HOURS": "0.0001"})
        with (self.log_dir / "janitor.log").open("ab") as log:
            return subprocess.run(
                [sys.executable, "-m", "janitor", "run-once"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
                timeout=300,
                check=True,
            )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def settle_pause(seconds: float) -> None:
    """How long a fault lasts before the restart: the outage itself, not a wait for a state."""
    time.sleep(seconds)
