"""Fixtures of the broadcast tests: a real Mosquitto of our own (for ACLs
and restarts), simulated devices, the listener, and clean-up of the rows
committed for them."""

import shutil
import uuid
from types import SimpleNamespace

import pytest
from django.conf import settings

from tests.factories.broadcast import make_cluster
from tests.mqtt_broker import ProjectBroker, device_can_connect
from tests.utils import wait_for


@pytest.fixture(autouse=True)
def _project_broker(project_broker):
    """Every broadcast test talks to the project's own broker (password, ACL,
    anonymous refused), never to a shared anonymous one."""
    from broadcast.devices.mqtt import Publisher

    if project_broker.process.poll() is not None:
        project_broker.revive()
        Publisher.reset()
    if settings.MQTT_URL != project_broker.url:
        Publisher.reset()
    yield project_broker


@pytest.fixture
def own_broker(project_broker, settings):
    """A project broker of the test's own (to kill and restart); settings
    point at it for the test, so cluster changes update its files."""
    from broadcast.devices.mqtt import Publisher

    brokers = []

    def make():
        broker = ProjectBroker(project_broker.password).start()
        brokers.append(broker)
        for key, value in broker.settings().items():
            setattr(settings, key, value)
        Publisher.reset()
        return broker

    yield make
    for broker in brokers:
        broker.stop()
        shutil.rmtree(broker.dir, ignore_errors=True)
    Publisher.reset()


@pytest.fixture
def broadcast_rows(committed):
    """Committed clusters/programs made in a test, deleted afterwards."""
    from broadcast.models import ListenerCounter, Program, SpeakerCluster, Stream

    made = SimpleNamespace(prefix=f"t{uuid.uuid4().hex[:6]}", units=set())
    yield made
    Stream.objects.filter(unit__in=made.units).delete()
    SpeakerCluster.objects.filter(device_id__startswith=made.prefix).delete()
    Program.objects.filter(unit__in=made.units).delete()
    ListenerCounter.objects.all().delete()


@pytest.fixture
def make_clusters(broadcast_rows):
    """Committed clusters of a unit (on the air at any hour unless the test
    gives ``on_time``/``off_time``); returns their device provisioning."""
    from broadcast import services

    def make(unit, count, **fields):
        broadcast_rows.units.add(unit)
        specs = []
        for index in range(count):
            cluster, password = make_cluster(
                unit,
                name=f"Cụm loa thử {index + 1}",
                device_id=f"{broadcast_rows.prefix}-{unit.code}-{index:04d}",
                **fields,
            )
            specs.append(services.device_provisioning(cluster, password))
        if specs:
            # Registered clusters reach the broker's files on commit (the
            # SIGHUP reload is asynchronous, and slow on a loaded machine
            # right after a test removed many clusters): wait until it
            # accepts them.
            assert wait_for(lambda: device_can_connect(specs[-1]), 30), (
                "the broker did not learn the new clusters"
            )
        return specs

    return make


@pytest.fixture
def fleet_factory():
    from broadcast.devices.simulator import Fleet

    fleets = []

    def make(specs, url=None, **kw):
        fleet = Fleet(
            specs, url=url or settings.BROADCAST_DEVICE_MQTT_URL, **kw
        ).start()
        fleets.append(fleet)
        assert fleet.wait_online(30), "simulated devices did not connect"
        return fleet

    yield make
    for fleet in fleets:
        fleet.stop()


@pytest.fixture
def listener_factory():
    from broadcast.devices.listener import Listener

    listeners = []

    def make(url=None, **kw):
        listener = Listener(
            url=url or settings.MQTT_URL,
            client_id=f"ttcs-listener-test-{uuid.uuid4().hex[:8]}",
            **kw,
        ).start()
        listeners.append(listener)
        assert listener.connected.wait(15), "listener did not connect"
        return listener

    yield make
    for listener in listeners:
        listener.stop()


@pytest.fixture
def tts_program(tree, broadcast_rows):
    """A short committed TTS program of commune a1."""
    from broadcast import services

    broadcast_rows.units.add(tree.commune_a1)
    return services.create_tts_program(
        tree.commune_a1,
        "Thông báo lịch tiêm chủng",
        "Sáng thứ Hai ngày 15/3, trạm y tế xã tiêm chủng cho trẻ dưới 5 tuổi.",
    )
