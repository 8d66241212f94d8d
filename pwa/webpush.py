"""The adapter to the browsers' push services (Web Push: RFC 8030 delivery,
RFC 8291 message encryption, RFC 8292 VAPID), on pywebpush.

Push services (FCM, Mozilla, Apple, Microsoft) cannot be reached from the
development machine: the tests and bench/push_fanout.py send to a local
endpoint that speaks the same protocol and decrypts with the subscription's
private keys (tests/webpush_endpoint.py).

``send`` encrypts one payload for one subscription and POSTs it; the result
says what to do with the subscription.
"""

import logging
from dataclasses import dataclass

import requests

logger = logging.getLogger(__name__)

SENT, FAILED, GONE, BAD_KEYS = "sent", "failed", "gone", "bad_keys"


@dataclass
class Outcome:
    result: str  # SENT, FAILED, GONE (404/410: remove), BAD_KEYS (remove)
    status: int | None = None
    reason: str = ""


def session(pool=16):
    """A requests session that keeps connections to the push services open."""
    http = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=pool, pool_maxsize=pool)
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    return http


def send(info, payload, *, headers, ttl, urgency="normal", http=None, timeout=10):
    """Encrypt ``payload`` (bytes) for ``info`` (endpoint and keys) and POST it.

    ``headers`` carry the VAPID Authorization for the endpoint's origin
    (``vapid.headers_for``), computed once per origin by the caller.
    """
    from pywebpush import WebPusher, WebPushException

    try:
        pusher = WebPusher(info, requests_session=http)
        response = pusher.send(
            payload,
            headers={**headers, "Urgency": urgency},
            ttl=ttl,
            content_encoding="aes128gcm",
            timeout=timeout,
        )
    except (WebPushException, ValueError, TypeError) as error:
        # A key that does not decode or is not a P-256 point: the browser
        # gave us garbage, or it was stored before validation existed.
        return Outcome(BAD_KEYS, reason=str(error)[:200])
    except requests.RequestException as error:
        return Outcome(FAILED, reason=str(error)[:200])
    status = response.status_code
    if status in (200, 201, 202):
        return Outcome(SENT, status)
    if status in (404, 410):
        return Outcome(GONE, status)
    if status in (400, 401, 403, 413):
        logger.warning("push service refused a message: %s %s", status, response.text)
    return Outcome(FAILED, status, response.text[:200])
