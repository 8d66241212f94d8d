"""The commune's listen-back page (nghe lại) in Debian's Chromium: a past
program has an audio player whose source the browser can load and play."""

import shutil

import pytest
from django.conf import settings
from django.db import connection

from broadcast import services
from broadcast.models import Program, SpeakerCluster
from tests.factories.broadcast import make_aired

pytestmark = [pytest.mark.browser]


@pytest.fixture
def played_program(tree, committed):
    unit = tree.commune_a2
    program = services.create_tts_program(
        unit,
        "Bản tin nông nghiệp buổi sáng",
        "Bà con chú ý phòng trừ rầy nâu trên lúa hè thu trong tuần này.",
    )
    cluster = make_aired(program, "browser-lb-1")
    # The live server's MEDIA_ROOT follows the test database's name, this
    # process's the configured one: put the audio where the server reads it.
    served = (
        settings.BASE_DIR
        / ".local"
        / "test-media"
        / connection.settings_dict["NAME"]
        / "broadcast"
        / program.audio.name
    )
    copied = not served.exists()
    if copied:
        served.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(program.audio.path, served)
    yield program
    if copied:
        served.unlink(missing_ok=True)
    SpeakerCluster.objects.filter(pk=cluster.pk).delete()
    Program.objects.filter(pk=program.pk).delete()


def test_listen_back_page_plays_a_past_program(
    tree, played_program, live_site, page, artifacts_dir
):
    page.goto(live_site.url(tree.commune_a2, "/nghe-lai/"))
    assert page.get_by_text("Bản tin nông nghiệp buổi sáng").first.is_visible()
    audio = page.locator("audio").first
    assert audio.count() == 1
    src = audio.get_attribute("src")
    assert src and str(played_program.uid) in src
    status, head = page.evaluate(
        """async (src) => {
            const r = await fetch(src);
            const bytes = new Uint8Array(await r.arrayBuffer());
            return [r.status, String.fromCharCode(...bytes.slice(0, 4))];
        }""",
        src,
    )
    # Speech is stored and served as MP3 (ffmpeg), an ID3 tag first.
    assert status == 200 and head.startswith("ID3")
    # The browser itself loads the source and knows its duration.
    duration = page.evaluate(
        """() => new Promise((resolve) => {
            const a = document.querySelector('audio');
            a.preload = 'auto';
            a.addEventListener('loadedmetadata', () => resolve(a.duration));
            a.addEventListener('error', () => resolve(-1));
            a.load();
        })"""
    )
    assert duration > 1, duration
    page.screenshot(path=artifacts_dir / "broadcast-listen-back.png", full_page=True)
    # Another commune's page does not list it.
    page.goto(live_site.url(tree.commune_b1, "/nghe-lai/"))
    assert page.get_by_text("Bản tin nông nghiệp buổi sáng").count() == 0
