"""What operators and other teams see after one end-to-end run of the cluster as it is deployed:
gunicorn with two workers, each worker service started with `python -m`, and the pika example
consumer bound to the exchange. One run (module fixture); each test checks one thing of it."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import urllib3
from kombu import Queue
from prometheus_client.parser import text_string_to_metric_families

from jaryo_shared import messaging
from jaryo_shared.topology import Topology
from tests.helpers import wait_until
from tests.integration.processes import ROOT, free_port, gateway, service_env, worker_service

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ocr" / "eng_printed_01_phototest.png"
CONSUMER = ROOT / "examples" / "consumer" / "consumer.py"
WORKER_MODULES = {
    "storage": "storage_service",
    "ocr": "ocr_service",
    "deck": "deck_service",
    "janitor": "janitor",
}


@dataclass
class Run:
    upload_id: str
    deck_id: str
    upload_correlation: str
    deck_correlation: str
    gateway_metrics: str
    worker_metrics: dict[str, str]
    consumer_lines: list[dict]
    logs: dict[str, list[dict]]


def _json_lines(path: Path) -> list[dict]:
    found = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue  # not one of our log records (a library's plain print)
    return found


def _consumer_queue_exists(settings, name: str) -> bool:
    with messaging.connect(settings) as connection, connection.channel() as channel:
        try:
            Queue(name)(channel).queue_declare(passive=True)
        except Exception:  # noqa: BLE001 - the broker says "not found" by closing the channel
            return False
        return True


def _delete_queue(settings, name: str) -> None:
    with messaging.connect(settings) as connection, connection.channel() as channel:
        Queue(name)(channel).delete()


@pytest.fixture(scope="module")
def run(settings, tmp_path_factory) -> Run:
    logs_dir = tmp_path_factory.mktemp("logs")
    consumer_queue = f"example-team-{uuid.uuid4().hex[:8]}"
    ports = {service: free_port() for service in WORKER_MODULES}
    gateway_metrics_port = free_port()
    http = urllib3.PoolManager()
    with messaging.connect(settings) as connection, connection.channel() as channel:
        for queue in Topology(settings).all_queues():
            queue(channel).purge()  # nothing of an earlier test's in the way

    consumer = subprocess.Popen(
        [sys.executable, str(CONSUMER)],
        env={
            **service_env(settings),
            # pika spells the default vhost "/" as %2F (kombu's URL ends in "//").
            "AMQP_URL": settings.amqp_url.removesuffix("//") + "/%2F",
            "JARYO_EXCHANGE": settings.exchange,
            "QUEUE": consumer_queue,
            "MAX_EVENTS": "2",
        },
        stdout=subprocess.PIPE,
        stderr=(logs_dir / "consumer.err").open("wb"),
        text=True,
    )
    log_files = {name: (logs_dir / f"{name}.log").open("wb") for name in [*WORKER_MODULES, "gw"]}
    try:
        wait_until(lambda: _consumer_queue_exists(settings, consumer_queue), timeout=30)
        with (
            gateway(
                settings,
                workers=2,
                log=log_files["gw"],
                env={"JARYO_METRICS_PORT": str(gateway_metrics_port)},
            ) as url,
            worker_service(
                "storage_service",
                settings,
                env={"JARYO_METRICS_PORT": str(ports["storage"])},
                log=log_files["storage"],
            ),
            worker_service(
                "ocr_service",
                settings,
                env={"JARYO_METRICS_PORT": str(ports["ocr"]), "JARYO_OCR_WORKERS": "2"},
                log=log_files["ocr"],
            ),
            worker_service(
                "deck_service",
                settings,
                env={"JARYO_METRICS_PORT": str(ports["deck"]), "JARYO_PREVIEWS": "false"},
                log=log_files["deck"],
            ),
            worker_service(  # the long-lived janitor: one run at start, then hourly
                "janitor",
                settings,
                env={"JARYO_METRICS_PORT": str(ports["janitor"]), "JARYO_INTERVAL_SECONDS": "3600"},
                log=log_files["janitor"],
            ),
        ):
            credentials = {"username": f"ops-{uuid.uuid4().hex[:10]}", "password": "correct horse"}
            http.request("POST", url + "/v1/auth/register", json=credentials)
            token = http.request("POST", url + "/v1/auth/token", json=credentials).json()
            auth = {"Authorization": f"Bearer {token['access_token']}"}

            upload_correlation = f"ops-upload-{uuid.uuid4().hex[:8]}"
            sent = http.request(
                "POST",
                url + "/v1/uploads",
                fields={
                    "image0": ("page.png", FIXTURE.read_bytes(), "image/png"),
                    "image_type": "eng-printed",
                },
                headers={**auth, "X-Correlation-ID": upload_correlation},
            )
            assert sent.status == 202, sent.data
            upload_id = sent.json()["upload_id"]
            upload = http.request(
                "GET", f"{url}/v1/uploads/{upload_id}?wait=60", headers=auth
            ).json()
            assert upload["status"] == "completed", upload

            deck_correlation = f"ops-deck-{uuid.uuid4().hex[:8]}"
            asked = http.request(
                "POST",
                url + "/v1/decks",
                json={"template_id": "clean", "title": "Ops run", "from_upload": upload_id},
                headers={**auth, "X-Correlation-ID": deck_correlation},
            )
            assert asked.status == 202, asked.data
            deck_id = asked.json()["deck_id"]
            deck = http.request("GET", f"{url}/v1/decks/{deck_id}?wait=60", headers=auth).json()
            assert deck["status"] == "completed", deck
            assert http.request("GET", f"{url}/v1/decks/{deck_id}/file", headers=auth).status == 200

            consumer.wait(timeout=60)  # it stops by itself after its two events
            janitor_url = f"http://127.0.0.1:{ports['janitor']}/metrics"
            wait_until(  # its first run, at start, has finished
                lambda: _sample(
                    http.request("GET", janitor_url).data.decode(),
                    "jaryo_janitor_runs_total",
                    outcome="acted",
                ),
                timeout=60,
            )
            # The gateway's metrics are on their own port, never on the public one.
            assert http.request("GET", url + "/metrics").status == 404
            gateway_metrics = http.request(
                "GET", f"http://127.0.0.1:{gateway_metrics_port}/metrics"
            ).data.decode()
            worker_metrics = {
                service: http.request("GET", f"http://127.0.0.1:{port}/metrics").data.decode()
                for service, port in ports.items()
            }
    finally:
        if consumer.poll() is None:
            consumer.kill()
        for file in log_files.values():
            file.close()
        _delete_queue(settings, consumer_queue)
    assert consumer.stdout is not None
    return Run(
        upload_id=upload_id,
        deck_id=deck_id,
        upload_correlation=upload_correlation,
        deck_correlation=deck_correlation,
        gateway_metrics=gateway_metrics,
        worker_metrics=worker_metrics,
        consumer_lines=[json.loads(line) for line in consumer.stdout.read().splitlines()],
        logs={name: _json_lines(logs_dir / f"{name}.log") for name in log_files},
    )


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus exposition; 0 if it is not there."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_gateway_metrics_count_and_time_every_route_of_the_run(run: Run):
    text = run.gateway_metrics
    assert _sample(text, "jaryo_http_requests_total", route="/v1/uploads", status="202") == 1
    assert _sample(text, "jaryo_http_requests_total", route="/v1/decks", status="202") == 1
    # Templated routes, not paths: one label value however many uploads there are.
    assert (
        _sample(text, "jaryo_http_requests_total", route="/v1/uploads/<upload_id>", status="200")
        == 1
    )
    assert _sample(text, "jaryo_http_request_duration_seconds_count", route="/v1/auth/token") == 1
    assert f"/v1/uploads/{run.upload_id}" not in text


def test_each_worker_counts_its_messages_and_times_its_work(settings, run: Run):
    storage, ocr, deck = (run.worker_metrics[s] for s in ("storage", "ocr", "deck"))
    queue = Topology(settings).queue_name
    received, requested = "jaryo.upload.received.v1", "jaryo.deck.requested.v1"
    image = "jaryo.image.received.v1"  # the run's upload has one image

    handled = "jaryo_messages_handled_total"
    for text, service in ((storage, "storage"), (ocr, "ocr")):
        assert _sample(text, handled, queue=queue(service), event_type=image) == 1
        assert _sample(text, handled, queue=queue(service), event_type=received) == 1  # passed over
    assert _sample(deck, handled, queue=queue("deck"), event_type=requested) == 1
    seconds = "jaryo_message_processing_seconds_count"
    assert _sample(storage, seconds, queue=queue("storage"), event_type=image) == 1
    # The OCR service's worker processes report through their supervisor's one port.
    assert _sample(ocr, "jaryo_ocr_image_seconds_count", engine="tesseract", outcome="done") == 1
    assert _sample(deck, "jaryo_deck_build_seconds_count", outcome="built") == 1
    for text in (storage, ocr, deck):
        assert _sample(text, "jaryo_messages_dead_lettered_total") == 0


def test_the_janitor_reports_its_runs_and_every_policys_counters(run: Run):
    janitor = run.worker_metrics["janitor"]
    assert _sample(janitor, "jaryo_janitor_runs_total", outcome="acted") >= 1
    assert _sample(janitor, "jaryo_janitor_last_run_timestamp_seconds") > 0
    families = {f.name for f in text_string_to_metric_families(janitor)}
    assert "jaryo_janitor_bytes_freed" in families  # at 0 before anything is purged
    assert 'policy="staging"' in janitor


def test_the_pika_example_consumer_sees_the_runs_upload_and_deck_completed(run: Run):
    by_type = {line["type"]: line for line in run.consumer_lines}
    assert sorted(by_type) == ["jaryo.deck.completed.v1", "jaryo.upload.completed.v1"]
    upload, deck = by_type["jaryo.upload.completed.v1"], by_type["jaryo.deck.completed.v1"]
    assert upload["subject"] == run.upload_id and upload["data"]["status"] == "completed"
    assert deck["subject"] == run.deck_id and deck["data"]["slide_count"] >= 1
    # The correlation id of the request that caused them, through every event on the way.
    assert upload["correlationid"] == run.upload_correlation
    assert deck["correlationid"] == run.deck_correlation


def test_every_services_json_logs_carry_the_requests_correlation_id(run: Run):
    def carrying(service: str, correlation: str) -> list[dict]:
        return [r for r in run.logs[service] if r.get("correlation_id") == correlation]

    assert carrying("gw", run.upload_correlation)
    assert carrying("storage", run.upload_correlation)
    assert carrying("ocr", run.upload_correlation)
    assert carrying("gw", run.deck_correlation)
    assert carrying("deck", run.deck_correlation)
