"""Error pages with the site's chrome and a way back (handler400/500)."""

import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

BAD_REQUEST = "Yêu cầu không hợp lệ. Hãy kiểm tra lại đường dẫn hoặc nội dung đã nhập."


def bad_request(request, exception=None, message=BAD_REQUEST):
    html = loader.render_to_string("400.html", {"message": message}, request)
    return HttpResponseBadRequest(html)


def server_error(request):
    """The 500 page with the unit's chrome when it can still be drawn, the
    plain one when even that fails (the database may be what is down)."""
    try:
        html = loader.render_to_string("500.html", {}, request)
    except Exception:  # noqa: BLE001 - never fail while reporting a failure
        logger.exception("500 page with chrome failed; plain page instead")
        html = loader.render_to_string("500_plain.html")
    return HttpResponseServerError(html)


LOCKED_OUT = (
    "Tài khoản này đã đăng nhập sai quá nhiều lần từ địa chỉ của bạn và tạm "
    "bị khóa {minutes} phút. Vui lòng thử lại sau, hoặc liên hệ quản trị "
    "viên của đơn vị nếu quên mật khẩu."
)


def login_locked_out(request, response=None, credentials=None):
    """django-axes' lockout answer: 429, in Vietnamese, with the chrome."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    html = loader.render_to_string(
        "400.html",
        {
            "message": LOCKED_OUT.format(minutes=minutes),
            "heading": "Tạm khóa đăng nhập",
        },
        request,
    )
    return HttpResponse(html, status=429)
