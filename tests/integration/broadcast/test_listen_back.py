"""The commune's listen-back page and the signed audio links devices use."""

import time

import pytest
from django.utils import timezone

from broadcast import services
from broadcast.models import (
    Delivery,
    Dispatch,
)
from tests.factories.broadcast import make_cluster

pytestmark = pytest.mark.django_db


def test_a_communes_listen_back_page_shows_only_its_own_played_programs(
    tree, client_for
):
    mine = services.create_tts_program(
        tree.commune_a1, "Chương trình của An Bình", "Xin chào."
    )
    other = services.create_tts_program(
        tree.commune_b1, "Chương trình của Bình Lợi", "Xin chào."
    )
    services.create_tts_program(tree.commune_a1, "Chưa phát", "Xin chào.")
    for program in (mine, other):
        cluster, _ = make_cluster(
            program.unit, "c", device_id=f"lb-{program.unit.code}"
        )
        dispatch = Dispatch.objects.create(
            unit=program.unit,
            program=program,
            priority="normal",
            expires_at=timezone.now(),
        )
        Delivery.objects.create(dispatch=dispatch, cluster=cluster, state="done")
    response = client_for(tree.commune_a1).get("/nghe-lai/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chương trình của An Bình" in html and "<audio" in html
    assert "Chương trình của Bình Lợi" not in html and "Chưa phát" not in html
    audio = client_for(tree.commune_a1).get(f"/nghe-lai/{mine.uid}/am-thanh/")
    assert audio.status_code == 200
    assert (
        client_for(tree.commune_a1).get(f"/nghe-lai/{other.uid}/am-thanh/").status_code
        == 404
    )
    assert (
        client_for(tree.commune_b1).get(f"/nghe-lai/{mine.uid}/am-thanh/").status_code
        == 404
    )


def test_device_audio_needs_the_signed_link(tree, client_for, settings):
    program = services.create_tts_program(tree.commune_a1, "Tải về", "Xin chào.")
    url = services.audio_url(program).split("//", 1)[1].split("/", 1)[1]
    assert client_for("localhost").get("/" + url).status_code == 200
    assert (
        client_for("localhost")
        .get(f"/broadcast/audio/{program.uid}/?t=sai")
        .status_code
        == 404
    )
    # docs: an expired link is answered 404 too (a retry brings a fresh one).
    settings.BROADCAST_AUDIO_TOKEN_SECONDS = 1
    time.sleep(2.1)
    assert client_for("localhost").get("/" + url).status_code == 404
    fresh = services.audio_url(program).split("//", 1)[1].split("/", 1)[1]
    assert client_for("localhost").get("/" + fresh).status_code == 200
