"""This installation's VAPID key pair (RFC 8292), which signs every push.

Like the secret key: from the environment (``WEBPUSH_VAPID_PRIVATE_KEY``, a
PEM, in production), else ``.local/vapid_private.pem``, made on first use
(mode 0600). Browsers bind a subscription to the public key they were given,
so the key must stay the same for the life of the subscriptions: a new key
means every citizen subscribes again.
"""

import base64
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings


def _key_path():
    return Path(settings.WEBPUSH_VAPID_KEY_FILE)


@lru_cache(maxsize=1)
def vapid():
    """The py_vapid ``Vapid02`` signer."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from py_vapid import Vapid02

    pem = settings.WEBPUSH_VAPID_PRIVATE_KEY
    if not pem:
        path = _key_path()
        if not path.exists():
            signer = Vapid02()
            signer.generate_keys()
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: use that one
            else:
                with os.fdopen(fd, "wb") as out:
                    out.write(signer.private_pem())
        pem = path.read_text()
    # An env file holds one line: "\n" stands for the PEM's line breaks.
    pem = pem.replace("\\n", "\n")
    signer = Vapid02.from_pem(pem.encode())
    assert isinstance(signer.private_key.curve, ec.SECP256R1)
    return signer


def public_key():
    """The applicationServerKey a browser subscribes with: the raw P-256
    point, base64url without padding."""
    from cryptography.hazmat.primitives import serialization

    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def headers_for(endpoint, *, expires_in=12 * 3600):
    """The Authorization header for one push service origin (its ``aud``)."""
    import time
    from urllib.parse import urlsplit

    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + expires_in,
        "sub": settings.WEBPUSH_VAPID_SUBJECT,
    }
    return vapid().sign(claims)
