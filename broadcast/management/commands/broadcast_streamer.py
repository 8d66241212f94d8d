import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from broadcast.devices.streamer import Streamer
from broadcast.speech import encoding


class Command(BaseCommand):
    help = (
        "Run the live and relayed streams: ffmpeg per stream, mono MP3 pushed "
        "to Icecast (ICECAST_URL); devices are told once the mount has audio."
    )

    def handle(self, **options):
        done = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *a: done.set())
        missing = None
        if not encoding.ffmpeg_binary():
            missing = "Cần ffmpeg để phát trực tiếp và tiếp sóng."
        elif not settings.ICECAST_SOURCE_PASSWORD:
            missing = (
                "Chưa đặt ICECAST_SOURCE_PASSWORD (scripts/services.py ghi nó "
                "vào .local/services.env khi khởi động icecast2)."
            )
        if missing:
            # Stay up without streaming (a process manager such as honcho
            # would stop the whole demo if this exited).
            self.stderr.write(f"broadcast streamer idle: {missing}")
            done.wait()
            return
        streamer = Streamer().start()
        self.stdout.write(f"broadcast streamer running ({settings.ICECAST_URL})")
        self.stdout.flush()
        done.wait()
        streamer.stop()
