import json
import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from broadcast import services
from broadcast.devices.simulator import Fleet, run_fleet_processes
from broadcast.models import SpeakerCluster


def simulated_specs(unit, count):
    """Ensure ``count`` simulated clusters (sim-<code>-NNNN) exist for the
    unit, give them fresh passwords, and return their provisioning."""
    existing = SpeakerCluster.objects.filter(
        unit=unit, device_id__startswith=f"sim-{unit.code}-"
    ).count()
    if existing < count:
        services.create_demo_clusters(unit, count=count)
    specs = []
    for cluster in (
        SpeakerCluster.objects.filter(
            unit=unit, device_id__startswith=f"sim-{unit.code}-"
        )
        .select_related("unit")
        .order_by("device_id")[:count]
    ):
        password = services.reset_password(cluster)
        specs.append(services.device_provisioning(cluster, password))
    return specs


class Command(BaseCommand):
    help = (
        "Simulate N speaker clusters of a unit speaking MQTT protocol v1 "
        "(presence, acks, play reports). Creates sim-<code>-NNNN clusters."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=4)
        parser.add_argument(
            "--unit", help="unit code (default: the first commune)", default=None
        )
        parser.add_argument(
            "--url", default=None, help="default: BROADCAST_DEVICE_MQTT_URL"
        )
        parser.add_argument("--processes", type=int, default=1)
        parser.add_argument("--heartbeat", type=float, default=60)
        parser.add_argument(
            "--play-seconds",
            type=float,
            default=None,
            help="pretend each program lasts this long (default: its duration)",
        )
        parser.add_argument(
            "--mosquitto-dir",
            default=None,
            help="also rewrite Mosquitto's passwd/acl here (then SIGHUP the broker)",
        )
        parser.add_argument(
            "--no-download",
            action="store_true",
            help="do not download the audio (of plays and of plan items, which "
            "then play offline from the local copy) and check its sha256 "
            "(always off with --processes > 1)",
        )
        parser.add_argument("--seconds", type=float, default=None, help="run time")
        parser.add_argument(
            "--specs-out", default=None, help="write the credentials as JSON here"
        )

    def handle(self, **opts):
        from tenants.models import Unit

        qs = Unit.objects.exclude(schema_name="public")
        unit = (
            qs.filter(code=opts["unit"]).order_by("-structure").first()
            if opts["unit"]
            else qs.filter(kind__in=["commune", "ward", "township"]).first()
        )
        if unit is None:
            raise CommandError("Không tìm thấy đơn vị.")
        specs = simulated_specs(unit, opts["count"])
        if opts["mosquitto_dir"]:
            from broadcast.devices.broker_config import write_files

            write_files(opts["mosquitto_dir"])
        if opts["specs_out"]:
            with open(opts["specs_out"], "w") as fh:
                json.dump(specs, fh)
        done = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *a: done.set())
        self.stdout.write(f"{len(specs)} cụm loa mô phỏng của {unit} đang kết nối…")
        if opts["processes"] > 1:
            procs, readies, stop = run_fleet_processes(
                specs,
                opts["processes"],
                opts["url"],
                opts["heartbeat"],
                opts["play_seconds"],
            )
            for ready in readies:
                ready.wait(timeout=300)
            self.stdout.write("ready", ending="\n")
            self.stdout.flush()
            done.wait(opts["seconds"])
            stop.set()
            for proc in procs:
                proc.join(timeout=15)
            return
        fleet = Fleet(
            specs,
            url=opts["url"],
            heartbeat=opts["heartbeat"],
            play_seconds=opts["play_seconds"],
            fetch_audio=not opts["no_download"],
        ).start()
        fleet.wait_online(timeout=300)
        self.stdout.write(f"ready: {fleet.online_count()} trực tuyến", ending="\n")
        self.stdout.flush()
        started = time.monotonic()
        while not done.wait(5):
            if opts["seconds"] and time.monotonic() - started > opts["seconds"]:
                break
            plays = len(fleet.events_for("playing"))
            self.stdout.write(f"trực tuyến {fleet.online_count()}, đã phát {plays}")
        fleet.stop()
