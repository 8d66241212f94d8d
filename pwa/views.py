"""The citizen app on a unit's host: manifest, icons, service worker, the
offline page, the "Theo dõi" page, and the push (un)subscribe endpoints."""

import hashlib
import json
from pathlib import Path

from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from base.ratelimit import ratelimit
from base.units import unit_or_404
from themes.identity import unit_identity
from themes.models import ThemeSettings

from . import icons, manifest, services, vapid

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "pwa"
SUBSCRIBE_LIMITED = (
    "Bạn đã bấm đăng ký quá nhiều lần trong thời gian ngắn. "
    "Vui lòng chờ một phút rồi thử lại."
)
MAX_BODY = 4096
# What the service worker stores at install (the pages in Vietnamese).
SHELL_PAGES = ("/ung-dung/ngoai-tuyen/", "/ung-dung/", "/ung-dung/bieu-trung-192.png")
SHELL_STATIC = ("css/site.css", "css/fonts.css", "js/site.js", "pwa/app.js")


def _theme(request):
    return ThemeSettings.for_request(request)


def _icon_version(theme):
    logo = getattr(theme, "logo", None)
    emblem = logo.pk if logo else icons.default_version()
    return f"{getattr(theme, 'theme', '')}-{emblem}"


@require_GET
@cache_control(public=True, max_age=3600)
def web_manifest(request, language="vi"):
    unit = unit_or_404()
    if language != "vi" and language not in (unit.languages or []):
        raise Http404("Trang này không có ngôn ngữ đó.")
    theme = _theme(request)
    data = manifest.build(unit, theme, language, _icon_version(theme))
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )


@require_GET
@cache_control(public=True, max_age=86400)
def icon(request, size, maskable=False):
    unit = unit_or_404()
    if size not in icons.SIZES:
        raise Http404("Không có biểu trưng cỡ này.")
    theme = _theme(request)
    key = f"pwa:icon:{unit.pk}:{_icon_version(theme)}:{size}:{int(maskable)}"
    body = cache.get(key)
    if body is None:
        logo_file = None
        if getattr(theme, "logo", None) is not None:
            try:
                logo_file = theme.logo.file.open("rb")
            except (OSError, ValueError):
                logo_file = None
        try:
            body = icons.render(
                size,
                background=manifest.theme_colour(theme),
                maskable=maskable,
                logo_file=logo_file,
            )
        finally:
            if logo_file is not None:
                logo_file.close()
        cache.set(key, body, 86400)
    return HttpResponse(body, content_type="image/png")


@require_GET
@never_cache
def service_worker(request):
    """Served at the site's root so that its scope is the whole site."""
    unit = unit_or_404()
    # The app's pages in the unit's other languages too (/km/ung-dung/…).
    translated = [
        f"/{code}{path}"
        for code in (unit.languages or [])
        if code != "vi"
        for path in SHELL_PAGES
        if not path.endswith(".png")
    ]
    shell = json.dumps(
        [*SHELL_PAGES, *translated, *(static(name) for name in SHELL_STATIC)]
    )
    body = (
        (STATIC_DIR / "sw.js")
        .read_text(encoding="utf-8")
        .replace("__SHELL_URLS__", shell)
    )
    # Caches are named after the worker's text (with the static files'
    # names): a new release drops the old app shell.
    version = hashlib.sha256(body.encode()).hexdigest()[:10]
    response = HttpResponse(
        body.replace("__VERSION__", version),
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """What the app shows for a page it does not have while offline (kept by
    the service worker at install)."""
    unit = unit_or_404()
    identity = unit_identity(unit, _theme(request))
    return render(request, "pwa/offline.html", {"identity": identity})


@require_GET
@never_cache
def latest(request):
    """The pages the service worker keeps for offline reading."""
    unit_or_404()
    return JsonResponse({"items": services.latest_items()})


@require_GET
def app_page(request):
    """Theo dõi: the units this phone follows (kept on the phone) and their
    alerts, with the units above this one to add."""
    unit = unit_or_404()
    from bulletins.sso import public_root

    language = translation.get_language() or "vi"

    def home(u):
        # A Khmer reader follows to the unit's Khmer home where it has one.
        if language != "vi" and language in (u.languages or []):
            return f"/{language}/"
        return "/"

    followable = [
        {
            "code": u.code,
            "name": u.name_with_type or u.name,
            "url": public_root(u.primary_hostname) + home(u),
            "current": u.pk == unit.pk,
        }
        for u in services.followable_units(unit)
        if u.primary_hostname
    ]
    return render(
        request,
        "pwa/app.html",
        {
            "followable": followable,
            "vapid_key": vapid.public_key(),
            "unit": unit,
        },
    )


def _json_error(status, message, fields=None):
    body = {"error": message}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _read_json(request):
    if (
        request.headers.get("Origin") not in (None, "", "null")
        and request.headers["Origin"].split("://", 1)[-1] != request.get_host()
    ):
        raise PermissionError
    if len(request.body) > MAX_BODY:
        raise ValueError("Dữ liệu gửi lên quá lớn.")
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("Dữ liệu gửi lên không đúng định dạng JSON.") from None
    if not isinstance(data, dict):
        raise ValueError("Dữ liệu gửi lên không đúng định dạng JSON.")
    return data


@csrf_exempt
@require_POST
@ratelimit("pwa.subscribe", json=True, message=SUBSCRIBE_LIMITED)
def subscribe(request):
    """One tap on "Nhận cảnh báo": store this phone's push subscription for
    the unit (this one, or one above it, by ``unit`` code)."""
    unit = unit_or_404()
    try:
        data = _read_json(request)
        target = services.resolve_unit(unit, data.get("unit"))
        language = str(data.get("lang") or translation.get_language() or "vi")[:10]
        services.subscribe(target, data, language=language)
    except PermissionError:
        return _json_error(403, "Chỉ đăng ký được từ trang của đơn vị.")
    except services.SubscriptionRefused as refused:
        return _json_error(
            400,
            "Không đăng ký nhận cảnh báo được: " + str(refused),
            refused.fields,
        )
    except ValueError as error:
        return _json_error(400, str(error))
    return JsonResponse(
        {
            "ok": True,
            "unit": target.code,
            "message": f"Đã bật nhận cảnh báo của {target.name_with_type or target}.",
        },
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt
@require_POST
@ratelimit("pwa.subscribe", json=True, message=SUBSCRIBE_LIMITED)
def unsubscribe(request):
    """One tap to stop: forget this phone's subscription for the unit."""
    unit = unit_or_404()
    try:
        data = _read_json(request)
        target = services.resolve_unit(unit, data.get("unit"))
        endpoint = data.get("endpoint")
        if not isinstance(endpoint, str) or not endpoint:
            raise services.SubscriptionRefused(
                {"endpoint": "Thiếu địa chỉ nhận thông báo."}
            )
    except PermissionError:
        return _json_error(403, "Chỉ huỷ được từ trang của đơn vị.")
    except services.SubscriptionRefused as refused:
        return _json_error(400, str(refused), refused.fields)
    except ValueError as error:
        return _json_error(400, str(error))
    services.unsubscribe(target, endpoint)
    return JsonResponse(
        {
            "ok": True,
            "unit": target.code,
            "message": f"Đã tắt cảnh báo của {target.name_with_type or target}.",
        },
        json_dumps_params={"ensure_ascii": False},
    )
