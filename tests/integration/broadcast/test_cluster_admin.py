"""A commune official registers a cluster in the admin, the device connects
with exactly what the admin showed once, takes a volume change at once
(acknowledged), and is stopped with "Dừng phát ngay"; rotation and
revocation lock the old credentials out. Real broker (ACL), real worker,
simulated device."""

import html
import json
import re
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django_tenants.utils import tenant_context

from broadcast import services
from broadcast.models import Delivery, Program, SpeakerCluster
from tests.mqtt_broker import device_can_connect
from tests.utils import admin_client, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow]


@pytest.fixture
def approver(committed):
    made = []

    def make(unit, group=settings.UNIT_APPROVER_GROUP):
        with tenant_context(unit):
            user = get_user_model().objects.create_user(
                f"canbo-{uuid.uuid4().hex[:8]}", password="mat-khau-dai-12"
            )
            user.groups.add(Group.objects.get(name=group))
        made.append((unit, user.pk))
        return admin_client(unit, user)

    yield make
    for unit, pk in made:
        with tenant_context(unit):
            get_user_model().objects.filter(pk=pk).delete()


def shown_provisioning(response):
    """The provisioning JSON exactly as the credentials page shows it."""
    text = response.content.decode()
    block = re.search(r"<pre>(.*?)</pre>", text, re.S)
    assert block, "the credentials page shows no provisioning file"
    return json.loads(html.unescape(block.group(1)))


def test_official_registers_a_cluster_the_device_connects_and_takes_its_config(
    tree,
    celery_worker_process,
    broadcast_rows,
    listener_factory,
    fleet_factory,
    approver,
):
    commune = tree.commune_a1
    broadcast_rows.units.add(commune)
    admin = approver(commune)
    device_id = f"{broadcast_rows.prefix}-moi"
    listener_factory()

    # "Thêm cụm loa" from the clusters list leads to the registration form.
    response = admin.get("/admin/cum-loa/new/", follow=True)
    assert response.status_code == 200
    assert "Thêm cụm loa" in response.content.decode()
    # Bad input: a clear message, what was typed kept, nothing saved.
    response = admin.post(
        reverse("broadcast_admin_cluster_add"),
        {
            "name": "Cụm loa chợ",
            "device_id": "Sai Mã!",
            "volume": 80,
            "on_time": "00:00",
            "off_time": "00:00",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "chữ thường không dấu" in page
    assert 'value="Cụm loa chợ"' in page
    assert not SpeakerCluster.objects.filter(name="Cụm loa chợ").exists()

    response = admin.post(
        reverse("broadcast_admin_cluster_add"),
        {
            "name": "Cụm loa chợ",
            "device_id": device_id,
            "volume": 80,
            "on_time": "00:00",
            "off_time": "00:00",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chỉ hiện một lần" in page and "<svg" in page  # the QR code
    assert "data:application/json;base64," in page
    spec = shown_provisioning(response)
    cluster = SpeakerCluster.objects.get(device_id=device_id)
    assert cluster.unit == commune and cluster.check_password(spec["password"])
    assert spec["signing_key"] == cluster.signing_key
    assert spec["broker_url"] == settings.BROADCAST_DEVICE_MQTT_URL
    # Shown once: the page again has no password.
    again = admin.get(reverse("broadcast_admin_cluster_credentials", args=[cluster.pk]))
    assert spec["password"] not in again.content.decode()

    # The device connects with what the admin showed.
    fleet = fleet_factory([spec], play_seconds=600)
    assert wait_for(lambda: SpeakerCluster.objects.get(pk=cluster.pk).online, 15)

    # Volume changed in the admin: the device is told at once and acks.
    response = admin.post(
        f"/admin/cum-loa/edit/{cluster.pk}/",
        {
            "name": "Cụm loa chợ",
            "volume": 55,
            "on_time": "00:00",
            "off_time": "00:00",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert wait_for(
        lambda: SpeakerCluster.objects.get(pk=cluster.pk).config_acked_at, 20
    )
    cluster.refresh_from_db()
    assert cluster.reported_volume == 55
    assert cluster.config_state.startswith("Thiết bị đã nhận lúc")
    assert fleet.devices[device_id].volume == 55

    # "Dừng phát ngay" on a program that plays: the admin shows "Đã dừng".
    program = Program.objects.create(unit=commune, title="Dài", duration_seconds=600)
    dispatch = services.dispatch_program(program, clusters=[cluster])
    assert wait_for(
        lambda: Delivery.objects.filter(dispatch=dispatch, state="playing").exists(),
        20,
    )
    page = admin.get(reverse("broadcast_admin_dispatch", args=[dispatch.pk]))
    assert "Dừng phát ngay" in page.content.decode()
    admin.post(reverse("broadcast_admin_dispatch_stop", args=[dispatch.pk]))
    assert wait_for(
        lambda: Delivery.objects.filter(dispatch=dispatch, state="stopped").exists(),
        20,
    )
    page = admin.get(reverse("broadcast_admin_dispatch", args=[dispatch.pk]))
    assert "Đã dừng" in page.content.decode()
    assert fleet.events_for("stopped", str(dispatch.cid), device_id)
    fleet.stop()

    # Rotation: the old password no longer connects, the new one does.
    response = admin.post(
        reverse("broadcast_admin_cluster_rotate", args=[cluster.pk]), follow=True
    )
    rotated = shown_provisioning(response)
    assert rotated["signing_key"] != spec["signing_key"]
    assert wait_for(lambda: not device_can_connect(spec), 10)
    assert device_can_connect(rotated)
    # Revocation: nothing connects.
    admin.post(reverse("broadcast_admin_cluster_revoke", args=[cluster.pk]))
    assert wait_for(lambda: not device_can_connect(rotated), 10)


def test_an_editor_cannot_register_clusters_and_another_unit_cannot_see_them(
    tree, broadcast_rows, make_clusters, approver
):
    (spec,) = make_clusters(tree.commune_a1, 1)
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    editor = approver(tree.commune_a1, group=settings.UNIT_EDITOR_GROUP)
    # Refused (Wagtail sends a refused admin user back to the dashboard).
    refused = editor.get(reverse("broadcast_admin_cluster_add"))
    assert refused.status_code in (302, 403)
    assert refused.status_code == 403 or refused["Location"] == "/admin/"
    other = approver(tree.commune_b1)
    for name in ("broadcast_admin_cluster_credentials",):
        assert other.get(reverse(name, args=[cluster.pk])).status_code == 404
    assert (
        other.post(reverse("broadcast_admin_cluster_rotate", args=[cluster.pk]))
    ).status_code == 404
    cluster.refresh_from_db()
    assert cluster.signing_key == spec["signing_key"]
