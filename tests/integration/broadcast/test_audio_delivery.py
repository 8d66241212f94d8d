"""What a device downloads is the file the play command names: simulated
devices fetch the MP3 from a real web server (the token URL of the command),
check its length and SHA-256, and refuse a file that changed."""

import hashlib

import pytest

from broadcast import services
from broadcast.devices.mqtt import publish_outbox
from broadcast.models import Delivery, OutboxMessage
from broadcast.speech import encoding
from tests.utils import wait_for

pytestmark = [pytest.mark.slow]


def test_devices_download_the_mp3_whose_sha256_the_command_names(
    tree,
    live_site,
    settings,
    make_clusters,
    fleet_factory,
    listener_factory,
    tts_program,
):
    settings.BROADCAST_MEDIA_BASE_URL = f"http://localhost:{live_site.port}"
    specs = make_clusters(tree.commune_a1, 2)
    listener_factory()
    fleet = fleet_factory(specs, play_seconds=0.3, fetch_audio=True)
    assert tts_program.audio.name.endswith(".mp3")
    assert encoding.mp3_info(tts_program.audio.path)["channels"] == 1

    dispatch = services.dispatch_program(
        tts_program, units=[tree.commune_a1], kick=False
    )
    publish_outbox()
    cid = str(dispatch.cid)
    assert wait_for(lambda: len(fleet.events_for("verified", cid)) == 2, 30), (
        fleet.events_for(cid=cid)
    )
    assert wait_for(
        lambda: (
            sorted(
                Delivery.objects.filter(dispatch=dispatch).values_list(
                    "state", flat=True
                )
            )
            == ["done", "done"]
        ),
        30,
    )
    [body] = [row.payload for row in OutboxMessage.objects.filter(dispatch=dispatch)]
    with open(tts_program.audio.path, "rb") as fh:
        served = fh.read()
    assert body["format"] == "mp3"
    assert body["bytes"] == len(served)
    assert body["sha256"] == hashlib.sha256(served).hexdigest()

    # The stored file changes after the command was written (same length):
    # devices refuse it and say why.
    dispatch = services.dispatch_program(
        tts_program, units=[tree.commune_a1], kick=False
    )
    with open(tts_program.audio.path, "wb") as fh:
        fh.write(served[:-16] + b"\x55" * 16)
    publish_outbox()
    cid = str(dispatch.cid)
    assert wait_for(lambda: len(fleet.events_for("failed", cid)) == 2, 30)
    assert not fleet.events_for("playing", cid)
    assert wait_for(
        lambda: (
            set(
                Delivery.objects.filter(dispatch=dispatch).values_list(
                    "state", flat=True
                )
            )
            == {"failed"}
        ),
        30,
    )
