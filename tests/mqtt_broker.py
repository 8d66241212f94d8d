"""The project's own Mosquitto for the tests, configured exactly as
``make run`` configures it: ``manage.py broadcast_mosquitto_config`` writes
the conf, password and ACL files (anonymous refused, a device listener whose
client id is the username, a platform listener), and the broker drops to its
own user when started as root. Cluster changes reach it through the same
``BROADCAST_MOSQUITTO_DIR`` hook as in production (files rewritten, SIGHUP).
"""

import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.utils import free_ports
from tests.utils import reachable as _reachable

ROOT = Path(__file__).resolve().parent.parent
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
SERVER_USER = "ttcs-server"


def reachable(port):
    return _reachable(f"tcp://127.0.0.1:{port}")


class ProjectBroker:
    def __init__(self, password, directory=None):
        from django.core.management import call_command

        # Not under pytest's private tmp: the broker's own user reads it.
        self.dir = Path(directory or ROOT / ".local" / "test-mqtt" / uuid.uuid4().hex)
        self.conf_dir = self.dir / "ttcs"
        self.data_dir = self.dir / "data"
        self.conf = self.dir / "mosquitto.conf"
        self.pid_file = self.dir / "broker.pid"
        self.device_port, self.server_port = free_ports(2)
        self.port = self.device_port
        self.url = f"mqtt://127.0.0.1:{self.server_port}"
        self.device_url = f"mqtt://127.0.0.1:{self.device_port}"
        self.user, self.password = SERVER_USER, password
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)
        call_command(
            "broadcast_mosquitto_config",
            str(self.conf_dir),
            "--server-user",
            self.user,
            # One argument: a generated password may start with "-".
            f"--server-password={password}",
            "--conf",
            str(self.conf),
            "--device-port",
            str(self.device_port),
            "--server-port",
            str(self.server_port),
            "--bind",
            "127.0.0.1",
            "--data-dir",
            str(self.data_dir),
            "--log-file",
            str(self.data_dir / "mosquitto.log"),
            stdout=open(os.devnull, "w"),  # noqa: SIM115
        )
        self.process = None

    def start(self):
        from scripts.services import raise_open_files

        raise_open_files()  # inherited by the broker, as services.py does
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pid_file.write_text(str(self.process.pid))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if reachable(self.device_port) and reachable(self.server_port):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("project mosquitto did not start: " + self.log())

    def revive(self):
        """Start the broker again if it died. Debian 12's Mosquitto 2.0.11
        can segfault some time after a reload (SIGHUP) with devices offline
        (per_listener_settings); one crash must not fail every later test."""
        if self.process is not None and self.process.poll() is not None:
            self.start()
        return self

    def sync(self):
        """Rewrite the password/ACL files from the database and reload."""
        from broadcast.devices import broker_config

        broker_config.write_files(self.conf_dir, self.user, self.password)
        broker_config.reload_broker(self.pid_file)
        time.sleep(0.2)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self):
        path = self.data_dir / "mosquitto.log"
        return path.read_text() if path.exists() else ""

    def settings(self):
        return {
            "MQTT_URL": self.url,
            "BROADCAST_DEVICE_MQTT_URL": self.device_url,
            "BROADCAST_MQTT_USERNAME": self.user,
            "BROADCAST_MQTT_PASSWORD": self.password,
            "BROADCAST_MOSQUITTO_DIR": str(self.conf_dir),
            "BROADCAST_MOSQUITTO_PID_FILE": str(self.pid_file),
        }


def device_can_connect(spec, url=None):
    """CONNECT with a device's credentials (clean start: no session kept)."""
    import paho.mqtt.client as mqtt
    from django.conf import settings

    from broadcast.devices.mqtt import broker_address

    host, port, _ = broker_address(url or settings.BROADCAST_DEVICE_MQTT_URL)
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=spec["device_id"],
        protocol=mqtt.MQTTv5,
    )
    client.username_pw_set(spec["username"], spec["password"])
    try:
        client.connect(host, port, clean_start=True)
    except OSError:
        return False
    result = []
    client.on_connect = lambda c, u, f, rc, p: result.append(rc)
    deadline = time.monotonic() + 3
    while not result and time.monotonic() < deadline:
        client.loop(0.05)
    client.disconnect()
    return bool(result) and not result[0].is_failure


@pytest.fixture(scope="session")
def project_broker(django_db_setup, django_db_blocker):
    """One project broker for the session; settings and the environment of
    processes started later (the Celery worker) point at it."""
    from django.conf import settings

    with django_db_blocker.unblock():
        broker = ProjectBroker(uuid.uuid4().hex).start()
    saved = {key: getattr(settings, key, None) for key in broker.settings()}
    saved_env = {key: os.environ.get(key) for key in broker.settings()}
    for key, value in broker.settings().items():
        setattr(settings, key, value)
        os.environ[key] = value
    yield broker
    for key, value in saved.items():
        setattr(settings, key, value)
    for key, value in saved_env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    broker.stop()
    shutil.rmtree(broker.dir, ignore_errors=True)
