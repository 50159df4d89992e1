"""The JWT signing key is the checkout's own: scripts/lib.sh makes a random one into .data/ once,
a gateway run as `make up` runs it refuses tokens forged with the key the repository used to
publish, and gunicorn will not start the gateway with a published or a short key."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import urllib3

from gateway.serving import gunicorn_command
from tests.helpers import wait_until
from tests.integration.processes import ROOT, free_port, service_env, stop
from tests.tokens import claims, sign

pytestmark = pytest.mark.integration

# The key scripts/lib.sh exported to every `make up` until it was replaced by a generated one.
OLD_LOCAL_KEY = "jaryo-local-development-signing-key-0123456789"
PUBLISHED = {
    "old-local-key": OLD_LOCAL_KEY,
    "k8s-dev-overlay-key": "jaryo-dev-only-signing-key-never-in-production",
    "old-integration-tests-key": "integration-tests-signing-key-0123456789abcdef",
}


def _lib_sh_key(data_dir: Path) -> str:
    """JARYO_JWT_SECRET as a script sourcing scripts/lib.sh sees it, with no key set."""
    env = {k: v for k, v in os.environ.items() if k != "JARYO_JWT_SECRET"}
    env["JARYO_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        ["bash", "-c", 'source scripts/lib.sh && printf %s "$JARYO_JWT_SECRET"'],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@contextmanager
def _gunicorn(gateway_settings, key: str, log: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    port = free_port()
    env = {
        **service_env(gateway_settings),
        "JARYO_JWT_SECRET": key,
        "JARYO_GATEWAY_BIND": f"127.0.0.1:{port}",
        "JARYO_GATEWAY_WORKERS": "1",
    }
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            gunicorn_command(access_log="/dev/null"),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            yield server, f"http://127.0.0.1:{port}"
        finally:
            if server.poll() is None:
                stop(server)


def test_each_checkout_makes_its_own_private_key_once(tmp_path):
    first = _lib_sh_key(tmp_path / "checkout-a")
    assert first != OLD_LOCAL_KEY
    assert len(first.encode()) >= 32
    key_file = tmp_path / "checkout-a" / "jwt-secret"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # other local users cannot read it
    assert _lib_sh_key(tmp_path / "checkout-a") == first  # kept: tokens survive a restart
    assert _lib_sh_key(tmp_path / "checkout-b") != first


def test_a_token_forged_with_the_old_published_key_is_refused(gateway_settings, tmp_path):
    key = _lib_sh_key(tmp_path / "checkout")
    http = urllib3.PoolManager()
    with _gunicorn(gateway_settings, key, tmp_path / "gateway.log") as (server, url):

        def up() -> bool:
            assert server.poll() is None, (tmp_path / "gateway.log").read_text()
            try:
                return http.request("GET", url + "/healthz", retries=False).status == 200
            except urllib3.exceptions.HTTPError:
                return False

        wait_until(up, timeout=30)
        credentials = {"username": "key-test-user", "password": "correct horse battery"}
        created = http.request("POST", url + "/v1/auth/register", json=credentials)
        assert created.status == 201
        user_id = created.json()["user_id"]

        def me(token: str) -> urllib3.BaseHTTPResponse:
            return http.request("GET", url + "/v1/me", headers={"Authorization": f"Bearer {token}"})

        assert me(sign(claims(gateway_settings, user_id), key)).status == 200  # the control
        forged = me(sign(claims(gateway_settings, user_id), OLD_LOCAL_KEY))
        assert forged.status == 401
        assert forged.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        *[(key, "published in Jaryo's repository") for key in PUBLISHED.values()],
        ("x" * 31, "shorter than 32 bytes"),
        ("", "JARYO_JWT_SECRET is not set"),
    ],
    ids=[*PUBLISHED, "31-bytes", "empty"],
)
def test_the_gateway_refuses_to_start_with_a_published_or_short_key(
    gateway_settings, tmp_path, key, message
):
    log = tmp_path / "gateway.log"
    with _gunicorn(gateway_settings, key, log) as (server, _):
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the gateway started with a published or short signing key")
    assert code != 0
    assert message in log.read_text()
