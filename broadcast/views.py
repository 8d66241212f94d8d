"""Listen-back pages (citizens) and program audio (devices, the page's
player). Live announcements are streams (views_streams.py)."""

import logging

from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from base.ratelimit import ratelimit
from base.units import unit_or_404
from tenants.services import current_unit

from . import services
from .models import Program

logger = logging.getLogger(__name__)


def _audio_response(program):
    if not program.audio:
        raise Http404("Chương trình chưa có âm thanh.")
    try:
        handle = program.audio.open("rb")
    except FileNotFoundError:
        raise Http404("Không tìm thấy tệp âm thanh.") from None
    return FileResponse(handle, filename=program.audio.name.rsplit("/", 1)[-1])


def device_audio(request, uid):
    """What a device downloads: the URL in the play command carries a token."""
    try:
        value = signing.loads(
            request.GET.get("t", ""),
            salt="broadcast-audio",
            max_age=settings.BROADCAST_AUDIO_TOKEN_SECONDS,
        )
    except signing.BadSignature:  # SignatureExpired included
        raise Http404("Liên kết không hợp lệ.") from None
    if value != uid.hex:
        raise Http404("Liên kết không hợp lệ.")
    return _audio_response(get_object_or_404(Program, uid=uid))


@ratelimit("broadcast.listen_back")
def listen_back(request):
    unit = unit_or_404()
    if request.limited:
        return render(request, "broadcast/rate_limited.html", status=429)
    portal = unit.kind in ("province", "district")
    programs = services.listen_back(unit, subtree=portal).select_related("unit")
    units, chosen = [], None
    if portal:
        # A portal lists its communes' programmes too, with a filter by unit.
        units = list(
            unit.descendants(include_self=True)
            .exclude(kind="department")
            .order_by("path")
        )
        code = request.GET.get("don-vi", "")
        chosen = next((u for u in units if u.code == code), None)
        if chosen is not None:
            programs = programs.filter(unit=chosen)
    programs = Paginator(programs, 20).get_page(request.GET.get("trang"))
    return render(
        request,
        "broadcast/listen_back.html",
        {
            "unit": unit,
            "programs": programs,
            "portal": portal,
            "units": units,
            "chosen": chosen,
        },
    )


def listen_back_audio(request, uid):
    unit = current_unit()
    portal = unit is not None and unit.kind in ("province", "district")
    program = get_object_or_404(
        services.listen_back(unit, subtree=portal) if unit else Program.objects.none(),
        uid=uid,
    )
    return _audio_response(program)
