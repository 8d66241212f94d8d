"""Per-device credentials.

The MQTT password is stored only as a PBKDF2-SHA512 hash in Mosquitto's own
``$7$`` format, so the generated password file can be handed to the broker
as is (``mosquitto_passwd`` reads it). Device messages are also signed with
an HMAC key derived from the platform secret and the device id: the server
recomputes it, so it is never stored either.
"""

import base64
import functools
import hashlib
import hmac
import json
import secrets

from django.conf import settings

ITERATIONS = 101  # what mosquitto_passwd 2.x writes


def mosquitto_hash(password, salt=None, iterations=ITERATIONS):
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    encoded_salt = base64.b64encode(salt).decode()
    return f"$7${iterations}${encoded_salt}${base64.b64encode(digest).decode()}"


def mosquitto_check(password, encoded):
    try:
        _, kind, iterations, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if kind != "7":
        return False
    expected = hashlib.pbkdf2_hmac(
        "sha512", password.encode(), base64.b64decode(salt), int(iterations)
    )
    return hmac.compare_digest(expected, base64.b64decode(digest))


def new_password():
    return secrets.token_urlsafe(18)


def signing_key(device_id):
    """The per-device HMAC key (given to the installer with the password)."""
    return _signing_key(settings.SECRET_KEY, device_id)


@functools.lru_cache(maxsize=100_000)
def _signing_key(secret, device_id):
    # Cached: the listener verifies thousands of messages a second.
    return hmac.new(
        secret.encode(), f"ttcs-mqtt-v1:{device_id}".encode(), "sha256"
    ).hexdigest()


def canonical(payload):
    """Bytes that are signed: the JSON object without ``sig``, sorted keys."""
    body = {k: v for k, v in payload.items() if k != "sig"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign(payload, key):
    return hmac.new(key.encode(), canonical(payload).encode(), "sha256").hexdigest()


def verify(payload, device_id):
    sig = payload.get("sig")
    if not isinstance(sig, str):
        return False
    return hmac.compare_digest(sig, sign(payload, signing_key(device_id)))
