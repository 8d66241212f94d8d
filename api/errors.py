"""Every API error as JSON in Vietnamese: ``{"error": "...", "fields": {...}}``.

``fields`` (bad input only, 400) maps each parameter or field to its
messages, as the site's forms word them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_handler

from base.ratelimit import LIMITED_MESSAGE

INVALID = "Dữ liệu gửi lên chưa hợp lệ: xem các mục trong “fields”."
NOT_FOUND = "Không tìm thấy."
MESSAGES = {
    exceptions.ParseError: (
        "Nội dung gửi lên không đọc được: hãy gửi JSON hợp lệ hoặc multipart/form-data."
    ),
    exceptions.UnsupportedMediaType: (
        "Kiểu nội dung không được hỗ trợ: dùng application/json hoặc "
        "multipart/form-data."
    ),
    exceptions.NotAcceptable: "Chỉ trả về JSON (application/json).",
    exceptions.MethodNotAllowed: "Phương thức không được hỗ trợ ở địa chỉ này.",
    exceptions.Throttled: LIMITED_MESSAGE,
    exceptions.NotAuthenticated: "Cần khóa API.",
}


class InvalidInput(exceptions.APIException):
    """Bad fields (400), with the messages of a Django form (Vietnamese)."""

    status_code = 400

    def __init__(self, errors, message=INVALID):
        super().__init__(message)
        self.payload = {"error": message, "fields": errors}


def field_errors(form):
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, InvalidInput):
        response.data = exc.payload
        return response
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            fields = {
                k: [str(m) for m in v] if isinstance(v, list) else [str(v)]
                for k, v in detail.items()
            }
        else:
            fields = {"non_field_errors": [str(m) for m in detail]}
        response.data = {"error": INVALID, "fields": fields}
        return response
    message = MESSAGES.get(type(exc))
    if message is None:
        detail = getattr(exc, "detail", "")
        message = str(detail) if detail else NOT_FOUND
        if isinstance(exc, exceptions.NotFound) and message in (
            "Not found.",
            "Invalid page.",
        ):
            message = NOT_FOUND
    response.data = {"error": message}
    return response


def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/: JSON, not the site's 404 page."""
    return JsonResponse(
        {"error": "Không có thao tác này trong API. Xem /api/v1/schema/."},
        status=404,
    )
