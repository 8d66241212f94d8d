"""HMAC signatures of the exchange's requests (docs/central-exchange.md).

X-TTCS-Timestamp: 1764662400            (Unix seconds)
X-TTCS-Message-Id: 6f1c…                 (unique per message)
X-TTCS-Signature: v1=<hex HMAC-SHA256(secret, "{timestamp}.{id}.{body}")>
"""

import hashlib
import hmac
import time

TIMESTAMP = "X-TTCS-Timestamp"
MESSAGE_ID = "X-TTCS-Message-Id"
SIGNATURE = "X-TTCS-Signature"
SENDER = "X-TTCS-Sender"


def signature(secret, timestamp, message_id, body):
    text = f"{timestamp}.{message_id}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()


def headers(secret, message_id, body, *, sender, now=None):
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json",
        TIMESTAMP: timestamp,
        MESSAGE_ID: str(message_id),
        SENDER: sender,
        SIGNATURE: signature(secret, timestamp, message_id, body),
    }


class BadSignature(Exception):
    """Why a request is refused (Vietnamese, for the log and the answer)."""


def verify(secret, get_header, body, *, max_skew, now=None):
    """Check a request's signature and freshness; returns its message id."""
    timestamp = get_header(TIMESTAMP) or ""
    message_id = (get_header(MESSAGE_ID) or "").strip()
    given = get_header(SIGNATURE) or ""
    if not (timestamp.isdigit() and message_id and given):
        raise BadSignature("Thiếu chữ ký, thời điểm hoặc mã thông điệp.")
    if len(message_id) > 64:
        raise BadSignature("Mã thông điệp quá dài (tối đa 64 ký tự).")
    if not secret:
        raise BadSignature("Chưa cấu hình khóa bí mật của kết nối Trung ương.")
    expected = signature(secret, timestamp, message_id, body)
    if not hmac.compare_digest(expected, given):
        raise BadSignature("Chữ ký không đúng.")
    current = now if now is not None else time.time()
    if abs(current - int(timestamp)) > max_skew:
        raise BadSignature(
            f"Thời điểm ký lệch quá {max_skew} giây: yêu cầu cũ hoặc bị gửi lại."
        )
    return message_id
