"""Live and relayed streams in the unit's admin, and Icecast's listener check.

Starting, feeding and stopping a stream reaches every cluster of the unit
and of the units below at once: the approver's right (``broadcast.send_live``),
as for recorded live announcements. Every view looks streams up among the
admin's unit and the units below it.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from base.admin import unit_permission_required
from base.choices import Priority
from base.ratelimit import ratelimit

from .models import Stream, StreamKind
from .services import streams

logger = logging.getLogger(__name__)


def _stream_of(unit, pk):
    return get_object_or_404(
        Stream.objects.select_related("unit", "dispatch"),
        pk=pk,
        unit__in=unit.descendants(include_self=True),
    )


class RelayForm(forms.Form):
    title = forms.CharField(
        label="Tiêu đề", max_length=255, initial="Tiếp sóng Đài Tiếng nói Việt Nam"
    )
    source_url = forms.CharField(
        label="Địa chỉ luồng nguồn",
        max_length=500,
        help_text="Luồng phát thanh trên Internet (MP3 hoặc AAC qua http/https), "
        "ví dụ luồng VOV1 hoặc của đài tỉnh.",
    )
    priority = forms.ChoiceField(
        label="Mức ưu tiên",
        choices=[(Priority.NORMAL, "Bình thường"), (Priority.PRIORITY, "Ưu tiên")],
        initial=Priority.NORMAL,
    )

    def clean_source_url(self):
        return streams.check_source_url(self.cleaned_data["source_url"])


@unit_permission_required("broadcast.view_program")
def stream_list(request, unit):
    rows = Stream.objects.filter(
        unit__in=unit.descendants(include_self=True)
    ).select_related("unit")[:50]
    return render(
        request,
        "broadcast/admin/streams.html",
        {
            "unit": unit,
            "streams": rows,
            "can_start": request.user.has_perm("broadcast.send_live"),
        },
    )


@unit_permission_required("broadcast.send_live")
@ratelimit("broadcast.stream_start", key="user", method="POST")
def relay_add(request, unit):
    form = RelayForm(request.POST or None)
    if request.method == "POST" and request.limited:
        form.add_error(None, "Bạn thao tác quá nhanh; hãy đợi một phút rồi thử lại.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stream = streams.start_relay(
            unit,
            data["title"],
            data["source_url"],
            started_by=request.user.get_username(),
            priority=data["priority"],
        )
        messages.success(
            request,
            f"Đang kết nối “{stream.title}”; các cụm loa nhận lệnh phát khi luồng "
            "đã có âm thanh.",
        )
        return redirect("broadcast_admin_stream", pk=stream.pk)
    return render(
        request,
        "broadcast/admin/form.html",
        {
            "unit": unit,
            "form": form,
            "title": "Tiếp sóng đài phát thanh",
            "submit": "Bắt đầu tiếp sóng",
        },
    )


def _state(stream):
    dispatch = stream.dispatch
    return {
        "id": stream.pk,
        "state": stream.state,
        "label": stream.get_state_display(),
        "detail": stream.detail,
        "clusters": dispatch.target_count if dispatch else 0,
    }


@unit_permission_required("broadcast.view_program")
def stream_detail(request, pk, unit):
    stream = _stream_of(unit, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(_state(stream))
    return render(
        request,
        "broadcast/admin/stream.html",
        {
            "unit": unit,
            "stream": stream,
            "can_stop": stream.is_running
            and request.user.has_perm("broadcast.send_live"),
        },
    )


@unit_permission_required("broadcast.send_live")
@require_POST
def stream_stop(request, pk, unit):
    stream = _stream_of(unit, pk)
    told = streams.stop_stream(stream, reason="operator")
    if request.headers.get("Accept", "").startswith("application/json"):
        stream.refresh_from_db()
        return JsonResponse({**_state(stream), "told": told})
    messages.success(
        request,
        f"Đã dừng “{stream.title}”"
        + (f"; đã gửi lệnh dừng tới {told} cụm loa." if told else "."),
    )
    return redirect("broadcast_admin_stream", pk=stream.pk)


@unit_permission_required("broadcast.send_live")
def live(request, unit):
    """The microphone page: Start / Stop, the take streamed as it is spoken."""
    return render(
        request,
        "broadcast/admin/live_stream.html",
        {"unit": unit, "chunk_ms": 500},
    )


@unit_permission_required("broadcast.send_live")
@require_POST
@ratelimit(
    "broadcast.stream_start",
    key="user",
    json=True,
    message="Bạn thao tác quá nhanh; hãy đợi một phút rồi thử lại.",
)
def live_start(request, unit):
    title = (request.POST.get("title") or "").strip()
    stream = streams.start_live(unit, title, started_by=request.user.get_username())
    from django.urls import reverse

    return JsonResponse(
        {
            **_state(stream),
            "chunk_url": reverse("broadcast_admin_stream_chunk", args=[stream.pk]),
            "stop_url": reverse("broadcast_admin_stream_stop", args=[stream.pk]),
            "state_url": reverse("broadcast_admin_stream", args=[stream.pk])
            + "?format=json",
        }
    )


@unit_permission_required("broadcast.send_live")
@require_POST
@ratelimit(
    "broadcast.stream_chunk",
    key="user",
    json=True,
    message="Gửi âm thanh quá dồn dập; hãy dừng rồi bắt đầu lại.",
)
def stream_chunk(request, pk, unit):
    """One MediaRecorder chunk (the raw body) of a live take."""
    stream = _stream_of(unit, pk)
    if stream.kind != StreamKind.LIVE:
        return JsonResponse(
            {"error": "Luồng này không nhận âm thanh từ micrô."}, status=400
        )
    if int(request.headers.get("Content-Length") or 0) > (
        settings.BROADCAST_STREAM_CHUNK_BYTES
    ):
        return JsonResponse({"error": "Đoạn âm thanh gửi lên quá lớn."}, status=400)
    try:
        streams.feed(stream, request.body)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=409)
    return JsonResponse({"ok": True, "state": stream.state})


@csrf_exempt
def icecast_auth(request):
    """Icecast's URL authentication (``listener_add``): a listener may play
    a mount when its URL carries that stream's token and the stream is on
    the air. Icecast reads the ``icecast-auth-user`` header."""
    if request.method != "POST" or request.POST.get("action") != "listener_add":
        return HttpResponse(status=200)
    response = HttpResponse(status=200)
    if streams.listener_allowed(request.POST.get("mount", "")):
        response["icecast-auth-user"] = "1"
    else:
        response["icecast-auth-message"] = "token refused"
    return response
