"""Per-device credentials and message authentication (protocol v1.1).

- The MQTT password is stored only as a PBKDF2-SHA512 hash in Mosquitto's
  own ``$7$`` format, so the generated password file can be handed to the
  broker as is (``mosquitto_passwd`` reads it).
- The signing key is 32 random bytes per device (``new_signing_key``),
  given to the installer as 64 lowercase hex characters and stored on the
  cluster; rotating it (admin, "Cấp lại khóa") invalidates the old one at
  once. It is not derived from the platform's SECRET_KEY.
- Every message, both ways, is authenticated by HMAC-SHA256 over the
  **exact bytes of the MQTT payload**, keyed with the 32 bytes the hex key
  encodes; the MAC travels as the MQTT 5 user property ``sig`` (64
  lowercase hex characters). No canonical JSON: whatever bytes a device
  sends are the bytes it signs.
"""

import base64
import hashlib
import hmac
import secrets

ITERATIONS = 101  # what mosquitto_passwd 2.x writes
SIG_PROPERTY = "sig"


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


def new_signing_key():
    """32 random bytes as 64 lowercase hex characters."""
    return secrets.token_hex(32)


def mac(payload, key_hex):
    """Hex HMAC-SHA256 of the payload bytes with the key's 32 bytes."""
    return hmac.new(bytes.fromhex(key_hex), payload, hashlib.sha256).hexdigest()


def check(payload, sig, key_hex):
    if not isinstance(sig, str) or not key_hex:
        return False
    try:
        expected = mac(payload, key_hex)
    except ValueError:
        return False
    return hmac.compare_digest(sig.lower(), expected)


def sig_of(properties):
    """The ``sig`` user property of a received MQTT 5 message, or None."""
    for name, value in getattr(properties, "UserProperty", None) or ():
        if name == SIG_PROPERTY:
            return value
    return None
