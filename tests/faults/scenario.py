"""The fault run: a steady load on the suite's own cluster while each piece of it is killed and
restarted in turn, then the tally of what every client was promised and what became of it."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass

from kombu import Exchange, Queue, binding

from jaryo_shared import database, events, messaging, objectstore
from jaryo_shared.topology import SERVICE_QUEUES, Topology
from tests.faults.cluster import SERVERS, Cluster, settle_pause
from tests.faults.load import POST_PATIENCE, UNSETTLED, WAIT_PATIENCE, Accepted, Load
from tests.faults.stuck import outboxes_empty, where_stopped
from tests.helpers import wait_until

log = logging.getLogger(__name__)

OUTSIDE_QUEUE = "outside-team.jaryo-events"
OUTBOX_DRAIN_SECONDS = 90  # a dead writer's claim (30 s) and the relay's interval, with room
OUTSIDE_KEYS = ("upload.completed.v1", "deck.completed.v1", "deck.failed.v1")
WARM_UP = "none (warm-up)"
FAULTS = ("rabbitmq", "ferretdb", "seaweedfs", "storage", "ocr", "deck", "gateway")


@dataclass(frozen=True)
class Form:
    """How long and how hard: the short form runs in `make test`, the full one in `make faults`."""

    name: str
    rounds: int  # times each fault is done
    uploaders: int
    deck_makers: int
    before: int  # things accepted in a phase before its kill, so the kill lands under load
    outage: float  # seconds the killed piece stays down
    recovery_timeout: float


SHORT = Form("short", rounds=1, uploaders=2, deck_makers=1, before=2, outage=2, recovery_timeout=90)
FULL = Form("full", rounds=3, uploaders=3, deck_makers=1, before=4, outage=6, recovery_timeout=180)


@dataclass
class Phase:
    fault: str
    label: str  # the fault, and which round of it
    in_flight: int = 0  # accepted (202) but not finished when the kill came
    recover_seconds: float | None = None  # kill → all of those finished and a new upload done


@dataclass
class Outcome:
    form: Form
    phases: list[Phase]
    items: list[Accepted]
    final: dict[str, str | None]  # item id → status read at the end (None: unreadable)
    reasons: dict[str, str | None]  # failed deck id → its reason
    completed_events: Counter  # upload id → upload.completed events the outside queue got
    deck_events: Counter  # deck id → deck.completed/failed events
    stray_events: list[str]  # upload.completed for an upload no client was given a 202 for
    event_ids: dict[str, list[str]]  # subject → ids of its events the outside queue got
    dead_letters: dict[str, int]
    orphan_objects: list[str]
    missing_objects: list[str]
    gave_up: int
    seconds: float
    started: str
    stopped: dict[str, str]  # lost item id → where it had stopped when last read (stuck.py)

    def lost(self, kind: str) -> list[str]:
        return [i.id for i in self.items if i.kind == kind and _unsettled(i, self.final)]


def _unsettled(item: Accepted, final: dict[str, str | None]) -> bool:
    return final[item.id] in {None, "missing", *UNSETTLED[item.kind]}


def declare_outside_queue(settings) -> None:
    """Another team's durable queue on the exchange, as examples/consumer declares it; it is
    read only at the end, so it also proves the events outlive the broker's restarts."""
    exchange = Exchange(settings.exchange, type="topic", durable=True)
    with messaging.connect(settings) as connection, connection.channel() as channel:
        exchange(channel).declare()
        Queue(
            OUTSIDE_QUEUE,
            bindings=[binding(exchange, routing_key=key) for key in OUTSIDE_KEYS],
            durable=True,
            queue_arguments={"x-queue-type": "quorum"},
        )(channel).declare()


def read_outside_queue(settings) -> list[events.Envelope]:
    seen = []
    with messaging.connect(settings) as connection, connection.channel() as channel:
        queue = Queue(OUTSIDE_QUEUE)(channel)
        while (message := queue.get(no_ack=False)) is not None:
            seen.append(events.parse(message.body)[0])
            message.ack()
    return seen


def dead_letters(settings) -> dict[str, int]:
    topology = Topology(settings)
    counts = {}
    with messaging.connect(settings) as connection, connection.channel() as channel:
        for service in SERVICE_QUEUES:
            declared = topology.dead_letter_queue(service)(channel).queue_declare(passive=True)
            counts[service] = declared.message_count
    return counts


def run(cluster: Cluster, form: Form) -> Outcome:
    began = time.monotonic()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    settings = cluster.settings
    declare_outside_queue(settings)
    for name in ("storage", "ocr", "deck", "gateway"):
        cluster.start_service(name)
    load = Load(cluster.url, form.uploaders, form.deck_makers)
    load.start()
    tracker = load.tracker
    wait_until(  # the load is flowing end to end before anything is broken
        lambda: any(i.status == "completed" for i in tracker.items), timeout=120, interval=0.2
    )
    phases = [
        _fault(cluster, load, form, Phase(fault, f"{fault} #{n}" if form.rounds > 1 else fault))
        for n in range(1, form.rounds + 1)
        for fault in FAULTS
    ]
    load.finish(timeout=POST_PATIENCE + WAIT_PATIENCE)
    final = _final_statuses(tracker.items)
    stopped = where_stopped(settings, [i for i in tracker.items if _unsettled(i, final)])
    # An event whose writer was killed before publishing it waits in its outbox until the
    # writer's claim runs out and that service's relay sends it: read the queue after that.
    wait_until(lambda: outboxes_empty(settings), timeout=OUTBOX_DRAIN_SECONDS, interval=1)
    seen = read_outside_queue(settings)
    completed, decks, stray = _tally_events(seen, tracker.items)
    event_ids: dict[str, list[str]] = {}
    for envelope in seen:
        event_ids.setdefault(str(envelope.subject), []).append(envelope.id)
    letters = dead_letters(settings)
    cluster.janitor_run_once()
    orphans, missing = _check_objects(cluster, tracker.items)
    return Outcome(
        form=form,
        phases=phases,
        items=list(tracker.items),
        final=final,
        reasons=_deck_reasons(tracker.items, final),
        completed_events=completed,
        deck_events=decks,
        stray_events=stray,
        event_ids=event_ids,
        dead_letters=letters,
        orphan_objects=orphans,
        missing_objects=missing,
        gave_up=tracker.gave_up,
        seconds=time.monotonic() - began,
        started=started,
        stopped=stopped,
    )


def _fault(cluster: Cluster, load: Load, form: Form, phase: Phase) -> Phase:
    tracker, fault = load.tracker, phase.fault
    with tracker.lock:
        tracker.phase = phase.label
    start = time.monotonic()
    wait_until(lambda: len(tracker.accepted_since(start)) >= form.before, timeout=120)
    at_risk = tracker.unsettled()
    phase.in_flight = len(at_risk)
    killed = time.monotonic()
    log.warning("killing %s with %d in flight", fault, phase.in_flight)
    if fault in SERVERS:
        cluster.kill_server(fault)
        settle_pause(form.outage)
        cluster.restart_servers()
    else:
        cluster.kill_service(fault)
        settle_pause(form.outage)
        cluster.start_service(fault)
    restarted = time.monotonic()

    def recovered() -> bool:
        done_since = tracker.accepted_since(restarted, "upload")
        return all(i.finished_at is not None for i in at_risk) and any(
            i.status == "completed" for i in done_since
        )

    try:
        wait_until(recovered, timeout=form.recovery_timeout, interval=0.2)
        phase.recover_seconds = time.monotonic() - killed
    except AssertionError:
        log.error("%s: not recovered within %.0f s", fault, form.recovery_timeout)
    return phase


def _final_statuses(items: list[Accepted]) -> dict[str, str | None]:
    """Each item's status as its owner reads it, waiting (up to a minute in all) for what is
    still unfinished: the load stopped, so what has not finished by then never will."""
    final: dict[str, str | None] = {}
    deadline = time.monotonic() + 60
    for item in items:
        while True:
            late = time.monotonic() > deadline
            status = item.owner.status(item, wait=0 if late else 5)
            if late or (status is not None and status not in UNSETTLED[item.kind]):
                break
            if status is None:
                time.sleep(0.5)  # unreadable just now: the gateway is still coming back
        final[item.id] = status
    return final


def _deck_reasons(items: list[Accepted], final: dict[str, str | None]) -> dict[str, str | None]:
    reasons: dict[str, str | None] = {}
    for item in items:
        if item.kind == "deck" and final[item.id] == "failed":
            response = item.owner.request("GET", f"/v1/decks/{item.id}")
            reasons[item.id] = response.json().get("reason") if response.status == 200 else None
    return reasons


def _tally_events(
    seen: list[events.Envelope], items: list[Accepted]
) -> tuple[Counter, Counter, list[str]]:
    uploads = {i.id for i in items if i.kind == "upload"}
    completed: Counter = Counter()
    decks: Counter = Counter()
    stray = []
    for envelope in seen:
        if envelope.type == events.UploadCompleted.event_type:
            if envelope.subject in uploads:
                completed[envelope.subject] += 1
            else:
                stray.append(str(envelope.subject))
        else:
            decks[envelope.subject] += 1
    return completed, decks, stray


def _check_objects(cluster: Cluster, items: list[Accepted]) -> tuple[list[str], list[str]]:
    """Objects no document owns, and documents whose objects are not there."""
    settings = cluster.settings
    store = objectstore.ObjectStore(objectstore.client(settings))
    client = database.connect(settings)
    try:
        db = database.database(client, settings)
        orphans = [
            f"{bucket}/{obj.key}"
            for bucket in settings.buckets
            for obj in store.listing(bucket)
            if not _owned(db, obj.key)
        ]
        missing = []
        for image in db.images.find({"storage.status": "stored"}):
            for key in (image["image_path"], image["storage"]["thumbnail_path"]):
                if store.size(settings.bucket_images, key) is None:
                    missing.append(f"image {image['_id']}: {key}")
        for build in db.deck_builds.find({"status": "completed"}):
            if store.size(settings.bucket_decks, build["file_path"]) is None:
                missing.append(f"deck {build['_id']}: {build['file_path']}")
        for item in items:
            if item.kind == "upload" and db.uploads.find_one({"_id": item.id}) is None:
                missing.append(f"upload {item.id}: no document")
        return orphans, missing
    finally:
        client.close()


def _owned(db, key: str) -> bool:
    """Whether the document an object belongs to (by its key's layout, keys.py) exists."""
    user_id, _, rest = key.partition("/")
    for prefix, collection in (("upload", "uploads"), ("deck", "decks")):
        if rest.startswith(prefix) and "/" in rest:
            owner_id = rest[len(prefix) : rest.index("/")]
            return database.by_id(db[collection], owner_id, user_id=user_id) is not None
    if rest.startswith("templates/"):
        template_id = rest.removeprefix("templates/").removesuffix(".pptx")
        return database.by_id(db.templates, template_id, {"_id": 1}) is not None
    return False
