"""Upgrading the broker's shape in place: declaring a queue only ever adds bindings, so a binding
an earlier version made (storage and OCR took whole uploads on `upload.received` before each
image became its own `image.received` message) must be removed by provisioning, or every
upload would be worked twice."""

from __future__ import annotations

import pytest
from kombu import binding

from jaryo_shared import events
from jaryo_shared.provision import provision
from jaryo_shared.topology import Topology
from tests.helpers import wait_until

pytestmark = pytest.mark.integration


def _upload_received() -> events.Envelope:
    return events.wrap(
        events.UploadReceived(upload_id="up", user_id="u", image_type="eng-printed", images=[]),
        source="tests",
    )


def _image_received() -> events.Envelope:
    image = events.ReceivedImage(image_id="i", image_name="a.png", staging_key="k", size=1)
    return events.wrap(
        events.ImageReceived(
            upload_id="up",
            user_id="u",
            image_type="eng-printed",
            image=image,
            upload_image_ids=["i"],
        ),
        source="tests",
    )


@pytest.mark.parametrize("service", ["storage", "ocr"])
def test_provisioning_unbinds_upload_received_from_a_queue_an_earlier_version_bound(
    service, settings, broker, publisher, purge_queues
):
    topology = Topology(settings)
    queue = topology.queue(service)
    earlier = queue.__class__(
        queue.name,
        bindings=[binding(topology.exchange, routing_key=events.UploadReceived.routing_key())],
        durable=True,
        queue_arguments=queue.queue_arguments,
    )
    earlier(broker.default_channel).declare()  # as the earlier version left it
    purge_queues()
    publisher.publish(_upload_received())
    assert wait_until(lambda: queue(broker.default_channel).get(no_ack=True))  # the control

    provision(settings)
    publisher.publish(_upload_received())
    publisher.publish(_image_received())

    message = wait_until(lambda: queue(broker.default_channel).get(no_ack=True))
    assert events.parse(message.body)[0].type == events.ImageReceived.event_type
    assert queue(broker.default_channel).get(no_ack=True) is None  # upload.received went nowhere
