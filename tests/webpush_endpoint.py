"""A local push service endpoint for the tests and bench/push_fanout.py.

It speaks the part of Web Push a sender meets (push services cannot be
reached from here):

- RFC 8030 §5: a POST to the subscription's endpoint with a ``TTL`` header
  (required), an optional ``Urgency`` (very-low, low, normal, high); 201
  Created with a ``Location`` for a message accepted; 404 or 410 for a
  subscription that is gone (chosen per subscription here);
- RFC 8292 (VAPID): ``Authorization: vapid t=<JWT>, k=<public key>``, the
  JWT signed with ES256 by that key, ``aud`` the endpoint's origin, ``exp``
  within 24 hours, ``sub`` a mailto: or https: contact;
- RFC 8291 / RFC 8188: the body is ``Content-Encoding: aes128gcm``,
  encrypted for the subscription's P-256 key and auth secret. The endpoint
  keeps each subscription's private key (as the browser would) and
  decrypts with http_ece; a body that does not decrypt is refused 400.

Nothing imports Django here.
"""

import base64
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

URGENCIES = ("very-low", "low", "normal", "high")


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text):
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class WebPushEndpoint:
    """``start()`` then ``subscription(status=201)`` for each phone; what
    arrived is in ``received`` (decrypted), refusals in ``errors``."""

    def __init__(self, decrypt=True, sample=1):
        # Decrypt every ``sample``-th message (a bench checks a sample and
        # keeps its CPU for the sender).
        self.decrypt = decrypt
        self.sample = max(1, int(sample))
        self.phones = {}
        self.received = []
        self.errors = []
        self.hits = 0
        self.lock = threading.Lock()
        self.server = None

    # --- phones ---------------------------------------------------------------

    def subscription(self, status=201):
        """A new phone: its browser's PushSubscription.toJSON(), pointing here.
        ``status`` is what the endpoint answers for it (404/410: gone)."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        token = uuid.uuid4().hex
        self.phones[token] = SimpleNamespace(key=key, auth=auth, status=status)
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.url}/push/{token}",
            "keys": {"p256dh": b64url(public), "auth": b64url(auth)},
        }

    def messages_for(self, subscription):
        token = subscription["endpoint"].rsplit("/", 1)[-1]
        return [m for m in self.received if m["token"] == token]

    # --- the protocol -----------------------------------------------------------

    def _check_vapid(self, header):
        from py_vapid import Vapid02

        if not header.lower().startswith("vapid "):
            raise ValueError("Authorization is not a vapid token")
        if not Vapid02.verify(header):
            raise ValueError("VAPID signature does not verify")
        parts = dict(p.strip().split("=", 1) for p in header[6:].split(","))
        claims = json.loads(unb64url(parts["t"].split(".")[1]))
        if claims.get("aud") != self.url:
            raise ValueError(f"VAPID aud {claims.get('aud')!r} is not {self.url}")
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            raise ValueError("VAPID exp is not within 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("VAPID sub is not a mailto: or https: contact")
        return parts["k"]

    def handle(self, token, headers, body):
        """(status, extra headers) for one POST."""
        phone = self.phones.get(token)
        if phone is None:
            return 404, {}
        if phone.status in (404, 410):
            return phone.status, {}
        try:
            ttl = headers.get("TTL")
            if ttl is None or not ttl.isdigit():
                raise ValueError("TTL header missing or not a number")
            urgency = headers.get("Urgency", "normal")
            if urgency not in URGENCIES:
                raise ValueError(f"Urgency {urgency!r} is not one of {URGENCIES}")
            if headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError("Content-Encoding is not aes128gcm")
            vapid_key = self._check_vapid(headers.get("Authorization", ""))
            payload = None
            with self.lock:
                self.hits += 1
                decrypt = self.decrypt and self.hits % self.sample == 0
            if decrypt:
                import http_ece

                plain = http_ece.decrypt(
                    body,
                    private_key=phone.key,
                    auth_secret=phone.auth,
                    version="aes128gcm",
                )
                payload = json.loads(plain.decode("utf-8"))
        except Exception as error:  # noqa: BLE001 - any fault: a 400, recorded
            with self.lock:
                self.errors.append({"token": token, "error": str(error)})
            return 400, {}
        message_id = uuid.uuid4().hex
        with self.lock:
            if decrypt:
                self.received.append(
                    {
                        "token": token,
                        "ttl": int(ttl),
                        "urgency": urgency,
                        "vapid_key": vapid_key,
                        "payload": payload,
                        "size": len(body),
                    }
                )
        return phone.status, {"Location": f"{self.url}/message/{message_id}"}

    # --- the server ---------------------------------------------------------------

    def start(self):
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                token = self.path.rstrip("/").rsplit("/", 1)[-1]
                status, extra = endpoint.handle(token, self.headers, body)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):  # noqa: N802 - counters, for a bench in another process
                body = json.dumps(
                    {
                        "hits": endpoint.hits,
                        "decrypted": len(endpoint.received),
                        "errors": endpoint.errors[:5],
                        "error_count": len(endpoint.errors),
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
