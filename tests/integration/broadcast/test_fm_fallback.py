"""FM fallback: a device says whether it plays from the IP network or FM
(status and heartbeat ``source``); an officer switches a cluster to an FM
frequency (87,5–108,0 MHz, a Vietnamese message otherwise and nothing
sent), the device acknowledges the ``fm`` command and reports FM, and is
switched back to IP the same way. Real broker (project ACL), listener and
simulated device."""

import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django_tenants.utils import tenant_context

from broadcast.devices.mqtt import publish_outbox
from broadcast.models import OutboxMessage, SpeakerCluster
from tests.utils import admin_client, wait_for

pytestmark = [pytest.mark.slow]


@pytest.fixture
def approver(committed):
    made = []

    def make(unit):
        with tenant_context(unit):
            user = get_user_model().objects.create_user(
                f"canbo-{uuid.uuid4().hex[:8]}", password="mat-khau-dai-12"
            )
            user.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
        made.append((unit, user.pk))
        return admin_client(unit, user)

    yield make
    for unit, pk in made:
        with tenant_context(unit):
            get_user_model().objects.filter(pk=pk).delete()


def _cluster(pk):
    return SpeakerCluster.objects.get(pk=pk)


def test_officer_switches_a_cluster_to_fm_and_back(
    tree, make_clusters, fleet_factory, listener_factory, approver
):
    unit = tree.commune_a2
    [spec] = make_clusters(unit, 1, has_fm_fallback=True)
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    listener_factory()
    fleet = fleet_factory([spec])
    assert wait_for(lambda: _cluster(cluster.pk).source == "ip", 15)
    client = approver(unit)
    url = reverse("broadcast_admin_cluster_fm", args=[cluster.pk])

    for typed in ("120", "86,9", "98,55", "không biết", ""):
        response = client.post(url, {"mode": "fm", "frequency": typed})
        assert response.status_code == 400
        text = response.content.decode()
        assert "Tần số FM phải là một số từ 87,5 đến 108,0 MHz" in text
        if typed:
            assert f'value="{typed}"' in text  # what was typed is kept
    assert _cluster(cluster.pk).fm_cid is None
    assert not OutboxMessage.objects.filter(
        payload__type="fm", device_ids__contains=[spec["device_id"]]
    ).exists()

    response = client.post(url, {"mode": "fm", "frequency": "98,5"})
    assert response.status_code == 302
    sent = _cluster(cluster.pk)
    assert sent.fm_mode == "fm" and str(sent.fm_frequency) == "98.5"
    publish_outbox()
    assert wait_for(lambda: _cluster(cluster.pk).fm_acked_at, 15)
    assert wait_for(lambda: _cluster(cluster.pk).source == "fm", 15)
    assert str(_cluster(cluster.pk).reported_frequency) == "98.5"
    assert fleet.events_for("fm", "fm")
    page = client.get(reverse("broadcast_admin_cluster_log", args=[cluster.pk]))
    text = page.content.decode()
    assert 'data-testid="source">Sóng FM 98,5 MHz' in text
    assert "Thu FM 98,5 MHz: thiết bị đã nhận lúc" in text

    response = client.post(url, {"mode": "ip", "frequency": ""})
    assert response.status_code == 302
    publish_outbox()
    assert wait_for(lambda: _cluster(cluster.pk).source == "ip", 15)
    assert _cluster(cluster.pk).reported_frequency is None
    # The frequency chosen before is kept for the next switch.
    assert str(_cluster(cluster.pk).fm_frequency) == "98.5"
