"""Adapters to the ministry's central source information system.

The real central system's interface is not published (docs/central-exchange.md);
the platform talks to it only through the backend named by
``settings.CENTRAL_EXCHANGE_BACKEND`` (a dotted path, like
``SEARCH_BACKEND``). A backend sends one outbox message; the inbound side is
the platform's endpoint, whose format the backend also defines.
"""

from django.conf import settings
from django.utils.module_loading import import_string


class ExchangeError(Exception):
    """A message could not be delivered now; the outbox retries it."""


class BaseExchange:
    """What every adapter implements."""

    def send(self, message):
        """Deliver one ``OutboundMessage``; raise ``ExchangeError`` to retry.
        Must be idempotent on ``message.message_id`` (a retry after a lost
        answer sends the same message again)."""
        raise NotImplementedError

    def verify_inbound(self, request):
        """Check an inbound request; return its message id or raise
        ``central.signing.BadSignature``."""
        raise NotImplementedError


def get_backend(path=None):
    return import_string(path or settings.CENTRAL_EXCHANGE_BACKEND)()
