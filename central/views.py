"""The platform's endpoint for the central system (platform host only):
``POST /api/central/v1/messages/``, signed (docs/central-exchange.md)."""

import json
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .backends import get_backend
from .signing import BadSignature

logger = logging.getLogger(__name__)
MAX_BODY = 256 * 1024


@csrf_exempt
@require_POST
def inbound(request):
    if len(request.body) > MAX_BODY:
        return JsonResponse(
            {"error": "Thông điệp quá lớn (tối đa 256 KB)."}, status=413
        )
    try:
        message_id = get_backend().verify_inbound(request)
    except BadSignature as exc:
        logger.warning("central request refused: %s", exc)
        return JsonResponse({"error": f"Từ chối: {exc}"}, status=401)
    try:
        envelope = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "Nội dung không phải JSON hợp lệ."}, status=400)
    try:
        bulletin = services.receive(message_id, envelope)
    except services.Refused as exc:
        logger.warning("central message %s refused: %s %s", message_id, exc, exc.fields)
        body = {"error": str(exc)}
        if exc.fields:
            body["fields"] = exc.fields
        return JsonResponse(body, status=exc.status)
    return JsonResponse(
        {"status": "accepted", "id": message_id, "bulletin_id": bulletin.pk},
        status=202,
    )
