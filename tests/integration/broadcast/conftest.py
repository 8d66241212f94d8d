"""Fixtures of the broadcast tests: a real Mosquitto of our own (for ACLs
and restarts), simulated devices, the listener, and clean-up of the rows
committed for them."""

import getpass
import shutil
import subprocess
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from tests.factories.broadcast import make_cluster
from tests.utils import free_port, reachable, wait_for

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


class OwnBroker:
    """A mosquitto process on a free port, optionally with password + ACL."""

    def __init__(self, directory, passwd=None, acl=None):
        self.dir = Path(directory)
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        lines = [
            f"listener {self.port} 127.0.0.1",
            "persistence true",
            f"persistence_location {self.dir}/",
            "autosave_interval 1",
            f"log_dest file {self.dir}/mosquitto.log",
            "max_queued_messages 100000",
            # Run as root, mosquitto would switch to its own user, who cannot
            # read pytest's private tmp dir.
            f"user {getpass.getuser()}",
        ]
        if passwd:
            lines += ["allow_anonymous false", f"password_file {passwd}"]
        else:
            lines.append("allow_anonymous true")
        if acl:
            lines.append(f"acl_file {acl}")
        self.conf = self.dir / "mosquitto.conf"
        self.conf.write_text("\n".join(lines) + "\n")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(lambda: reachable(self.url), 15), (
            "own mosquitto did not start: " + self.log()
        )
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self):
        path = self.dir / "mosquitto.log"
        return path.read_text() if path.exists() else ""


@pytest.fixture
def own_broker(tmp_path):
    brokers = []

    def make(passwd=None, acl=None):
        broker = OwnBroker(tmp_path, passwd, acl)
        brokers.append(broker)
        return broker.start()

    yield make
    for broker in brokers:
        broker.stop()


@pytest.fixture
def broadcast_rows(committed):
    """Committed clusters/programs made in a test, deleted afterwards."""
    from broadcast.models import ListenerCounter, Program, SpeakerCluster

    made = SimpleNamespace(prefix=f"t{uuid.uuid4().hex[:6]}", units=set())
    yield made
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
        return specs

    return make


@pytest.fixture
def fleet_factory():
    from broadcast.simulator import Fleet

    fleets = []

    def make(specs, url=None, **kw):
        fleet = Fleet(specs, url=url or settings.MQTT_URL, **kw).start()
        fleets.append(fleet)
        assert fleet.wait_online(30), "simulated devices did not connect"
        return fleet

    yield make
    for fleet in fleets:
        fleet.stop()


@pytest.fixture
def listener_factory():
    from broadcast.listener import Listener

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
