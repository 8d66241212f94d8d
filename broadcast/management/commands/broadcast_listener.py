import gc
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from broadcast.devices.listener import Listener, ListenerRunning


class Command(BaseCommand):
    help = (
        "Listen to speaker clusters over MQTT: presence, acknowledgements, "
        "play reports (protocol v1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="default: settings.MQTT_URL")
        parser.add_argument(
            "--client-id",
            default=settings.BROADCAST_LISTENER_CLIENT_ID,
            help=(
                "its persistent MQTT session; a second listener needs its own "
                "(default: BROADCAST_LISTENER_CLIENT_ID, ttcs-listener)"
            ),
        )

    def handle(self, url, client_id, **options):
        done = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *a: done.set())
        # What Django and the apps loaded stays for the process's life: out
        # of the collector's reach, a full collection in a burst of 5,000
        # acks walks only the batch's objects (it took 0.1 s of one batch).
        gc.freeze()
        try:
            listener = Listener(url=url, client_id=client_id).start()
        except ListenerRunning as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("broadcast listener running", ending="\n")
        self.stdout.flush()
        done.wait()
        listener.stop()
