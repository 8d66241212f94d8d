import signal
import threading

from django.core.management.base import BaseCommand

from broadcast.devices.listener import Listener


class Command(BaseCommand):
    help = (
        "Listen to speaker clusters over MQTT: presence, acknowledgements, "
        "play reports (protocol v1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="default: settings.MQTT_URL")
        parser.add_argument("--client-id", default="ttcs-listener")

    def handle(self, url, client_id, **options):
        done = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *a: done.set())
        listener = Listener(url=url, client_id=client_id).start()
        self.stdout.write("broadcast listener running", ending="\n")
        self.stdout.flush()
        done.wait()
        listener.stop()
