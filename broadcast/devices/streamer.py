"""The streamer: one ffmpeg per live or relayed stream, source → the
speakers' mono MP3 → an Icecast mount (``manage.py broadcast_streamer``,
a process of its own beside the MQTT listener).

It takes orders from a Redis list (``services.streams.control_key``: the
web process writes ``{"start": id}`` / ``{"stop": id}`` after commit) and
checks the database every few seconds as well, so a lost order or a
restart loses no stream (running ones are picked up again at start).

- Relay: ffmpeg pulls ``source_url`` (reconnecting on network errors) at
  its own pace (``-re``).
- Live: ffmpeg reads WebM/Opus from its stdin, fed with the chunks the
  officer's browser posts (a Redis list per stream, so any web worker can
  take any chunk); 30 s without a chunk ends the take.

Once Icecast lists the mount (``/admin/listmounts``) the stream is on the air
(``services.streams.went_on_air``: the clusters get their ``stream``
command). When ffmpeg ends on its own, the stream is ended or failed
(``source_ended``) and the devices get a ``stop``.
"""

import json
import logging
import subprocess
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection

from base import redis as platform_redis

from ..speech import encoding
from . import icecast

logger = logging.getLogger(__name__)

# A stream that has no audio on its mount after this long has failed.
ON_AIR_TIMEOUT = 20
# A live take whose browser sent nothing for this long has ended.
LIVE_IDLE_SECONDS = 30
RECONCILE_SECONDS = 3


def publish_now():
    """Send the outbox from here: the devices hear of a stream as soon as its
    mount has audio (the beat sweep sends what this could not)."""
    from .mqtt import publish_outbox

    try:
        publish_outbox()
    except (OSError, ConnectionError):
        logger.warning("streamer: broker unreachable; the sweep will publish")


class Encoder(threading.Thread):
    """ffmpeg for one stream, watched until it ends or is stopped."""

    def __init__(self, streamer, stream):
        super().__init__(daemon=True, name=f"stream-{stream.pk}")
        self.streamer = streamer
        self.stream = stream
        self.stopped = threading.Event()
        self.process = None
        self.errors = []

    def command(self):
        stream = self.stream
        cmd = [encoding.ffmpeg_binary() or "ffmpeg", "-hide_banner", "-v", "error"]
        if stream.kind == "relay":
            cmd += ["-nostdin", "-reconnect", "1", "-reconnect_streamed", "1"]
            cmd += ["-reconnect_delay_max", "5", "-re", "-i", stream.source_url]
        else:
            cmd += ["-f", "webm", "-i", "pipe:0"]
        cmd += encoding.ffmpeg_mp3_args()
        cmd += ["-content_type", "audio/mpeg", "-ice_name", stream.title]
        cmd += ["-f", "mp3"]
        cmd.append(
            icecast.source_url(
                self.streamer.icecast_url, self.streamer.source_password, stream.mount
            )
        )
        return cmd

    def stop(self):
        self.stopped.set()

    def run(self):
        try:
            self._run()
        except Exception:  # noqa: BLE001 - one stream never takes the rest down
            logger.exception("stream %s: encoder failed", self.stream.pk)
        finally:
            connection.close()

    def _run(self):
        from ..services import streams

        live = self.stream.kind == "live"
        self.process = subprocess.Popen(
            self.command(),
            stdin=subprocess.PIPE if live else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        threading.Thread(target=self._read_errors, daemon=True).start()
        if live:
            threading.Thread(target=self._feed, daemon=True).start()
        on_air = self.stream.state == "on_air"
        started = time.monotonic()
        while self.process.poll() is None and not self.stopped.is_set():
            if not on_air:
                try:
                    found = self.stream.mount in icecast.mounts(
                        self.streamer.icecast_url, self.streamer.admin_password
                    )
                except (OSError, ValueError):
                    found = False
                if found:
                    close_old_connections()
                    self.stream = streams.went_on_air(self.stream)
                    on_air = True
                    logger.info("stream %s on the air", self.stream.pk)
                    publish_now()
                elif time.monotonic() - started > ON_AIR_TIMEOUT:
                    self.fail("Không nhận được âm thanh từ nguồn sau 20 giây.")
                    return
            self.stopped.wait(0.1 if not on_air else 0.5)
        if self.stopped.is_set():
            self._terminate()
            return
        # ffmpeg ended on its own: the source ended or could not be read.
        code = self.process.wait()
        close_old_connections()
        if code == 0 and on_air:
            streams.source_ended(self.stream, detail="Luồng nguồn đã kết thúc.")
            publish_now()
        else:
            what = "luồng nguồn" if self.stream.kind == "relay" else "micrô"
            self.fail(f"Không phát được {what}: {self.error_text()}")

    def fail(self, detail):
        from ..services import streams

        self._terminate()
        close_old_connections()
        streams.source_ended(self.stream, failed=True, detail=detail)
        logger.warning("stream %s failed: %s", self.stream.pk, detail)
        publish_now()

    def _terminate(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def error_text(self):
        text = " ".join(line.strip() for line in self.errors[-3:] if line.strip())
        return (text or "ffmpeg dừng")[:200]

    def _read_errors(self):
        for line in iter(self.process.stderr.readline, b""):
            self.errors = (self.errors + [line.decode("utf-8", "replace")])[-20:]

    def _feed(self):
        """Chunks from the browser (Redis list) to ffmpeg's stdin, in order."""
        from ..services.streams import chunks_key

        client = platform_redis.client()
        key = chunks_key(self.stream)
        last = time.monotonic()
        stdin = self.process.stdin
        try:
            while not self.stopped.is_set() and self.process.poll() is None:
                item = client.blpop([key], timeout=1)
                if item is None:
                    if time.monotonic() - last > LIVE_IDLE_SECONDS:
                        break
                    continue
                last = time.monotonic()
                stdin.write(item[1])
                stdin.flush()
        except (OSError, ValueError):
            pass
        finally:
            try:
                stdin.close()
            except OSError:
                pass


class Streamer:
    """Runs the encoders of every stream that should be on the air."""

    def __init__(self, icecast_url=None, source_password=None, admin_password=None):
        self.icecast_url = icecast_url or settings.ICECAST_URL
        self.source_password = source_password or settings.ICECAST_SOURCE_PASSWORD
        self.admin_password = admin_password or settings.ICECAST_ADMIN_PASSWORD
        self.encoders = {}
        self.stopping = threading.Event()
        self.thread = None

    def start(self):
        self.thread = threading.Thread(target=self.run, daemon=True, name="streamer")
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self.thread:
            self.thread.join(timeout=10)
        for encoder in list(self.encoders.values()):
            encoder.stop()
        for encoder in list(self.encoders.values()):
            encoder.join(timeout=10)

    def run(self):
        from ..services.streams import control_key

        client = platform_redis.client()
        last_check = 0.0
        while not self.stopping.is_set():
            try:
                item = client.blpop([control_key()], timeout=1)
            except OSError:
                logger.warning("streamer: Redis unreachable; retrying")
                self.stopping.wait(2)
                continue
            try:
                if item is not None:
                    self.handle(json.loads(item[1]))
                if time.monotonic() - last_check >= RECONCILE_SECONDS:
                    last_check = time.monotonic()
                    self.reconcile()
            except (ValueError, TypeError, KeyError):
                logger.warning("streamer: bad order %r", item and item[1][:100])
            except Exception:  # noqa: BLE001 - the database may be back soon
                logger.exception("streamer: loop error; continuing")
                self.stopping.wait(1)
        connection.close()

    def handle(self, order):
        close_old_connections()
        if "start" in order:
            self.reconcile(also=order["start"])
        elif "stop" in order:
            encoder = self.encoders.get(order["stop"])
            if encoder is not None:
                encoder.stop()
            # The devices' stop commands, without waiting for a worker.
            publish_now()

    def reconcile(self, also=None):
        """Start an encoder for every running stream that has none; stop
        the encoders of streams that ended; forget finished ones."""
        from ..models import Stream, StreamState

        close_old_connections()
        for pk, encoder in list(self.encoders.items()):
            if not encoder.is_alive():
                del self.encoders[pk]
        running = {
            stream.pk: stream
            for stream in Stream.objects.filter(
                state__in=[StreamState.STARTING, StreamState.ON_AIR]
            )
        }
        for pk, stream in running.items():
            if pk not in self.encoders:
                encoder = Encoder(self, stream)
                self.encoders[pk] = encoder
                encoder.start()
        for pk, encoder in list(self.encoders.items()):
            if pk not in running:
                encoder.stop()
