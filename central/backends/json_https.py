"""Our documented JSON-over-HTTPS format (docs/central-exchange.md): one
signed POST per message to ``{CENTRAL_EXCHANGE_URL}/messages/``."""

import json

import requests
from django.conf import settings

from .. import signing
from . import BaseExchange, ExchangeError


def envelope(message):
    return {
        "version": 1,
        "id": str(message.message_id),
        "type": message.kind,
        "sender": settings.CENTRAL_EXCHANGE_SENDER,
        "created_at": message.created_at.isoformat(),
        "data": message.payload,
    }


class JsonHttpsExchange(BaseExchange):
    def send(self, message):
        url = settings.CENTRAL_EXCHANGE_URL
        if not url:
            raise ExchangeError("Chưa cấu hình địa chỉ Trung ương.")
        body = json.dumps(envelope(message), ensure_ascii=False).encode()
        headers = signing.headers(
            settings.CENTRAL_EXCHANGE_SECRET,
            message.message_id,
            body,
            sender=settings.CENTRAL_EXCHANGE_SENDER,
        )
        try:
            response = requests.post(
                url.rstrip("/") + "/messages/",
                data=body,
                headers=headers,
                timeout=settings.CENTRAL_EXCHANGE_TIMEOUT,
            )
        except requests.RequestException as exc:
            raise ExchangeError(f"Không kết nối được: {exc}") from exc
        # 409: the central side has this message already (a retry after a
        # lost answer): delivered.
        if response.status_code in (200, 201, 202, 204, 409):
            return
        raise ExchangeError(
            f"Trung ương trả lời {response.status_code}: {response.text[:300]}"
        )

    def verify_inbound(self, request):
        return signing.verify(
            settings.CENTRAL_EXCHANGE_SECRET,
            request.headers.get,
            request.body,
            max_skew=settings.CENTRAL_EXCHANGE_MAX_SKEW,
        )
