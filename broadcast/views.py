"""Listen-back pages (citizens), program audio (devices, the page's player)
and the live announcement recorder (officials)."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from base.choices import Priority
from base.ratelimit import ratelimit
from base.units import unit_or_404
from tenants.services import current_unit

from . import services
from .models import Program, ProgramKind

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


def _can_broadcast(user):
    # A live announcement goes to every cluster with priority "Ưu tiên": the
    # approver's right (broadcast.send_live), not every admin user's.
    return user.is_active and user.has_perm("broadcast.send_live")


@login_required
def live(request):
    unit = current_unit()
    if unit is None or not _can_broadcast(request.user):
        raise PermissionDenied
    return render(request, "broadcast/live.html", {"unit": unit})


@login_required
@require_POST
@ratelimit(
    "broadcast.live_upload",
    key="user",
    json=True,
    message="Gửi quá nhiều lần, hãy đợi một phút.",
)
def live_upload(request):
    """The browser's MediaRecorder take: saved as a program, sent at once to
    every cluster of the unit with priority "priority"."""
    unit = current_unit()
    if unit is None or not _can_broadcast(request.user):
        raise PermissionDenied
    uploaded = request.FILES.get("audio")
    title = (request.POST.get("title") or "").strip() or "Thông báo trực tiếp"
    if uploaded is None:
        return JsonResponse({"error": "Chưa có bản ghi âm."}, status=400)
    try:
        program = services.create_audio_program(
            unit,
            title[:255],
            uploaded,
            kind=ProgramKind.LIVE,
            created_by=request.user.get_username(),
            duration_hint=request.POST.get("duration"),
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    dispatch = services.dispatch_program(
        program, units=[unit], priority=Priority.PRIORITY
    )
    return JsonResponse(
        {
            "ok": True,
            "program": str(program.uid),
            "deliveries": dispatch.target_count,
            "message": f"Đã gửi “{program.title}” tới {dispatch.target_count} cụm loa.",
        }
    )
