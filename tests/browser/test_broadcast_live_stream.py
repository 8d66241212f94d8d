"""An approver speaks into the microphone page of the commune admin in
Debian's Chromium (fake microphone: a tone): the take is sent in chunks as
it is recorded, ffmpeg turns it into the speakers' mono MP3 on an Icecast
mount that carries audio while it runs, and "Dừng phát" ends it."""

import os
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from broadcast.models import Stream
from broadcast.services import streams
from tests.utils import admin_log_in, wait_for

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-123"
MEDIA_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


@pytest.fixture
def approver(tree, committed):
    from django.contrib.auth import get_user_model

    unit = tree.commune_a1
    with tenant_context(unit):
        user = get_user_model().objects.create_user("duyet-loa", password=PASSWORD)
        user.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
    yield user
    Stream.objects.filter(unit=unit).delete()
    with tenant_context(unit):
        user.delete()


@pytest.fixture
def mic_page(browser):
    """Chromium with a fake microphone the page may use without asking."""
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    chromium = browser.browser_type.launch(
        executable_path=executable, headless=True, args=MEDIA_ARGS
    )
    context = chromium.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    yield context.new_page()
    context.close()
    chromium.close()


def test_the_microphone_page_streams_to_icecast_until_stopped(
    tree, live_site, icecast, streamer, approver, mic_page, artifacts_dir
):
    page = mic_page
    unit = tree.commune_a1
    admin_log_in(
        page, live_site.url(unit, "/admin/login/"), approver.username, PASSWORD
    )
    page.goto(live_site.url(unit, "/admin/truyen-thanh/luong/truc-tiep/"))
    page.fill("#live-title", "Thông báo họp dân khẩn")
    page.get_by_role("button", name="Bắt đầu phát").click()
    expect(page.locator("#live-status")).to_contain_text("Đang phát tới", timeout=30000)
    page.screenshot(path=str(artifacts_dir / "broadcast-live-stream.png"))

    stream = Stream.objects.get(unit=unit, kind="live")
    assert stream.title == "Thông báo họp dân khẩn" and stream.state == "on_air"
    assert stream.started_by == approver.username
    # The mount carries audio: MP3 frames from the fake microphone.
    with urllib.request.urlopen(streams.stream_url(stream), timeout=10) as response:
        body = response.read(8192)
    assert len(body) == 8192 and b"\xff\xf3" in body

    page.get_by_role("button", name="Dừng phát").click()
    expect(page.locator("#live-status")).to_contain_text("Đã dừng phát", timeout=15000)
    assert wait_for(lambda: Stream.objects.get(pk=stream.pk).state == "ended", 10)
