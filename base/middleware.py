"""Input the database cannot store is refused at the door.

PostgreSQL text cannot contain NUL (``\\x00``): a ``%00`` in a path segment,
a query or form value, a cookie or a JSON string would reach a query and
end as a 500 with a traceback (anyone could fill the logs and the error
alerts). Such a request gets a 400 instead, in Vietnamese: a JSON error for
API calls, the site's 400 page otherwise.
"""

from django.http import JsonResponse

from .views import bad_request

NUL = "\x00"
NUL_MESSAGE = (
    "Yêu cầu chứa ký tự không hợp lệ (ký tự NUL). Hãy kiểm tra lại đường dẫn "
    "hoặc nội dung đã nhập."
)
JSON_NUL = (b"\x00", b"\\u0000")


def wants_json(request):
    content_type = request.META.get("CONTENT_TYPE", "")
    return (
        "/api/" in request.path
        or content_type.startswith("application/json")
        or "application/json" in request.META.get("HTTP_ACCEPT", "")
    )


def refuse(request, message):
    if wants_json(request):
        return JsonResponse({"error": message}, status=400)
    return bad_request(request, message=message)


def _has_nul(querydict):
    return any(
        NUL in key or any(NUL in value for value in values if isinstance(value, str))
        for key, values in querydict.lists()
    )


def has_bad_input(request):
    """A NUL in the path, the query or a cookie (the body is not read)."""
    return (
        NUL in request.path
        or _has_nul(request.GET)
        or any(NUL in k or NUL in v for k, v in request.COOKIES.items())
    )


class RejectBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_bad_input(request):
            return refuse(request, NUL_MESSAGE)
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH"):
            if content_type.startswith("application/json"):
                body = request.body.lower()
                if any(marker in body for marker in JSON_NUL):
                    return refuse(request, NUL_MESSAGE)
            elif content_type.startswith("application/x-www-form-urlencoded"):
                # Read the body first: views that read request.body still can.
                if b"%00" in request.body and _has_nul(request.POST):
                    return refuse(request, NUL_MESSAGE)
            elif content_type.startswith("multipart/form-data") and _has_nul(
                request.POST
            ):
                return refuse(request, NUL_MESSAGE)
        return self.get_response(request)
