"""Credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256, ``cryptography``),
keyed by ``settings.SOCIAL_CREDENTIALS_KEY`` (a Fernet key, production) or,
without it, a key derived from ``SECRET_KEY`` (rotating SECRET_KEY then
means connecting the accounts again)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet():
    key = getattr(settings, "SOCIAL_CREDENTIALS_KEY", "")
    if not key:
        digest = hashlib.sha256(
            ("ttcs.social.credentials:" + settings.SECRET_KEY).encode()
        ).digest()
        key = base64.urlsafe_b64encode(digest)
    return Fernet(key)


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token):
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
