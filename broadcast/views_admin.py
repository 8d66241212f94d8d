"""The unit's Wagtail admin pages for broadcast (registered in wagtail_hooks).

Everything is filtered to the unit whose admin is open and the units below
it: a commune sees its own clusters, a district or the province sees its
communes' clusters with their offline counts.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from base.admin import confirm_reach, editing_again, unit_permission_required
from base.choices import Priority

from . import services
from .forms import EmergencyForm, ProgramEditForm, ProgramForm, ScheduleForm
from .models import (
    Delivery,
    Dispatch,
    Program,
    ProgramKind,
    Schedule,
    SpeakerCluster,
    Stream,
    playing_titles,
)
from .pipeline import DeliveryState


def _priority_allowed(request, form):
    """A schedule above "normal" pre-empts the unit's loudspeakers: only a
    role with ``broadcast.send_emergency`` (the approver) may set one."""
    priority = form.cleaned_data.get("priority")
    if priority in (None, "", Priority.NORMAL) or request.user.has_perm(
        "broadcast.send_emergency"
    ):
        return True
    form.add_error(
        "priority",
        "Chỉ người duyệt được lập lịch phát ưu tiên hoặc khẩn cấp. Hãy chọn "
        "mức “Bình thường” hoặc nhờ người duyệt lập lịch này.",
    )
    return False


def _form_page(request, unit, form, **context):
    """The one form template of the broadcast admin (title, submit label,
    and extras such as a stop/delete button)."""
    return render(
        request,
        "broadcast/admin/form.html",
        {"unit": unit, "form": form, **context},
    )


def _months(count=6):
    today = timezone.localdate()
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


@unit_permission_required("broadcast.view_speakercluster")
def index(request, unit):
    subtree = unit.descendants(include_self=True)
    clusters = list(
        SpeakerCluster.objects.filter(unit__in=subtree, is_active=True).select_related(
            "unit"
        )
    )
    for cluster in clusters:
        # Same rule as services.offline_clusters: offline, or silent for
        # three heartbeats.
        cluster.is_offline = not cluster.online or cluster.is_stale
    clusters.sort(key=lambda c: (not c.is_offline, c.unit.path, c.hamlet, c.name))
    titles = playing_titles({c.now_playing for c in clusters if c.now_playing})
    for cluster in clusters:
        cluster.playing_title = titles.get(cluster.now_playing, cluster.now_playing)
    today = timezone.localdate()
    below = list(unit.descendants().order_by("path"))
    hours = services.hours_aired_by_unit(below, today.year, today.month)
    per_unit = []
    for child in below:
        rows = [c for c in clusters if c.unit_id == child.pk]
        per_unit.append(
            {
                "unit": child,
                "total": len(rows),
                "offline": sum(c.is_offline for c in rows),
                "online": sum(not c.is_offline for c in rows),
                "hours": hours.get(child.pk, 0),
            }
        )
    monthly = [
        {"month": m, "hours": services.hours_aired(unit, m.year, m.month)}
        for m in _months()
    ]
    dispatches = (
        Dispatch.objects.filter(unit__in=subtree)
        .select_related("program", "unit")
        .annotate(
            acked=Count(
                "deliveries",
                filter=Q(deliveries__acknowledged_at__isnull=False),
            ),
            done=Count("deliveries", filter=Q(deliveries__state=DeliveryState.DONE)),
        )
        # GROUP BY drops Meta.ordering: newest first, stable, said here.
        .order_by("-created_at", "-pk")[:20]
    )
    return render(
        request,
        "broadcast/admin/index.html",
        {
            "unit": unit,
            "clusters": clusters,
            "offline_count": len([c for c in clusters if c.is_offline]),
            "per_unit": per_unit,
            "monthly": monthly,
            "dispatches": dispatches,
            "programs": Program.objects.filter(unit=unit).exclude(
                kind=ProgramKind.STREAM
            )[:20],
            "schedules": Schedule.objects.filter(unit=unit, is_active=True)
            .select_related("program")
            .prefetch_related("target_units", "target_clusters")[:50],
        },
    )


@unit_permission_required("broadcast.add_program")
def program_add(request, unit):
    form = ProgramForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "tts":
                program = services.create_tts_program(
                    unit,
                    data["title"],
                    data["text"],
                    voice=data["voice"],
                    language=data["language"],
                    public=data["public"],
                    created_by=request.user.get_username(),
                )
            else:
                program = services.create_audio_program(
                    unit,
                    data["title"],
                    data["audio"],
                    language=data["language"],
                    public=data["public"],
                    created_by=request.user.get_username(),
                )
        except ValidationError as exc:
            field = "text" if data["kind"] == "tts" else "audio"
            for message in services.validation_messages(exc):
                form.add_error(field, message)
        else:
            messages.success(
                request,
                f"Đã tạo chương trình “{program.title}” "
                f"({program.duration_seconds:.0f} giây). Hãy lập lịch phát.",
            )
            return redirect(
                reverse("broadcast_admin_schedule_add") + f"?program={program.pk}"
            )
    return _form_page(
        request,
        unit,
        form,
        title="Thêm chương trình phát thanh",
        multipart=True,
        submit="Tạo chương trình",
    )


@unit_permission_required("broadcast.add_schedule")
def schedule_add(request, unit):
    initial = {"target_units": [unit.pk], "kind": "once", "priority": "normal"}
    if request.GET.get("program"):
        initial["program"] = request.GET["program"]
    form = ScheduleForm(request.POST or None, unit=unit, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _priority_allowed(request, form)
    ):
        schedule = form.save()
        services.plans_changed(unit)
        messages.success(
            request,
            f"Đã lập lịch phát “{schedule.program.title}” "
            f"({schedule.get_priority_display().lower()}).",
        )
        return redirect("broadcast_admin_index")
    return _form_page(
        request,
        unit,
        form,
        title="Lập lịch phát",
        submit="Lưu lịch phát",
    )


@unit_permission_required("broadcast.change_schedule")
def schedule_edit(request, pk, unit):
    schedule = get_object_or_404(Schedule, pk=pk, unit=unit, is_active=True)
    form = ScheduleForm(request.POST or None, instance=schedule, unit=unit)
    if (
        request.method == "POST"
        and form.is_valid()
        and _priority_allowed(request, form)
    ):
        schedule = form.save()
        services.plans_changed(unit)
        messages.success(request, f"Đã lưu lịch phát “{schedule.program.title}”.")
        return redirect("broadcast_admin_index")
    return _form_page(
        request,
        unit,
        form,
        title=f"Sửa lịch phát “{schedule.program.title}”",
        submit="Lưu thay đổi",
        stop_url=reverse("broadcast_admin_schedule_stop", args=[schedule.pk]),
        stop_label="Dừng lịch phát này",
    )


@unit_permission_required("broadcast.change_schedule")
@require_POST
def schedule_stop(request, pk, unit):
    """A schedule is stopped, not deleted: the dispatches it made keep
    pointing at it in the history."""
    schedule = get_object_or_404(Schedule, pk=pk, unit=unit)
    if schedule.is_active:
        schedule.is_active = False
        schedule.save(update_fields=["is_active"])
        # Its items leave the devices' plans now (they would play them).
        services.plans_changed(unit)
        messages.success(
            request,
            f"Đã dừng lịch phát “{schedule.program.title}”. "
            "Các lượt đã phát vẫn còn trong lịch sử.",
        )
        # Stopping a schedule stops what comes; what it sent may still play:
        # lead the officer to that dispatch, where "Dừng phát ngay" is.
        running = (
            Dispatch.objects.filter(
                schedule=schedule,
                expires_at__gt=timezone.now(),
                deliveries__state__in=services.LIVE_STATES,
            )
            .order_by("-created_at")
            .first()
        )
        if running is not None:
            messages.warning(
                request,
                "Lượt phát đã gửi của lịch này vẫn đang phát hoặc chờ phát; "
                "bấm “Dừng phát ngay” bên dưới để dừng ngay.",
            )
            return redirect("broadcast_admin_dispatch", pk=running.pk)
    return redirect("broadcast_admin_index")


@unit_permission_required("broadcast.change_program")
def program_edit(request, pk, unit):
    program = get_object_or_404(Program, pk=pk, unit=unit)
    form = ProgramEditForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        program = form.save()
        if program.schedule_set.filter(is_active=True).exists():
            services.plans_changed(unit)  # its title or audio is in plans
        messages.success(request, f"Đã lưu chương trình “{program.title}”.")
        return redirect("broadcast_admin_index")
    aired = Dispatch.objects.filter(program=program).exists()
    return _form_page(
        request,
        unit,
        form,
        title=f"Sửa chương trình “{program.title}”",
        submit="Lưu thay đổi",
        program=program,
        stop_url=None
        if aired
        else reverse("broadcast_admin_program_delete", args=[program.pk]),
        stop_label="Xóa chương trình",
        stop_note="Chương trình đã phát nên không xóa được (lịch sử phát và "
        "trang Nghe lại cần nó); bỏ “đăng nghe lại” để ẩn khỏi trang Nghe lại."
        if aired
        else "",
    )


@unit_permission_required("broadcast.delete_program")
def program_delete(request, pk, unit):
    """Only a program that never aired can go (with its schedules): an
    aired one is history (dispatches, hours aired, listening back)."""
    program = get_object_or_404(Program, pk=pk, unit=unit)
    if Dispatch.objects.filter(program=program).exists():
        messages.error(
            request,
            f"Chương trình “{program.title}” đã phát nên không xóa được.",
        )
        return redirect("broadcast_admin_program_edit", pk=program.pk)
    schedules = list(Schedule.objects.filter(program=program, is_active=True))
    if request.method == "POST":
        title = program.title
        if program.audio:
            program.audio.delete(save=False)
        program.delete()
        if schedules:
            services.plans_changed(unit)
        messages.success(
            request,
            f"Đã xóa chương trình “{title}”"
            + (f" và {len(schedules)} lịch phát của nó." if schedules else "."),
        )
        return redirect("broadcast_admin_index")
    return render(
        request,
        "broadcast/admin/confirm_delete.html",
        {"unit": unit, "program": program, "schedules": schedules},
    )


def emergency_question(unit, title):
    """The reach of an emergency, stated before it goes out: every active
    cluster of the unit and of the units below (``services.emergency``)."""
    subtree = unit.descendants(include_self=True)
    clusters = SpeakerCluster.objects.filter(unit__in=subtree, is_active=True)
    below = clusters.exclude(unit=unit).values("unit").distinct().count()
    where = unit.name + (f" và {below} đơn vị cấp dưới" if below else "")
    return f"Phát khẩn cấp “{title}” tới {clusters.count()} cụm loa của {where}?"


@unit_permission_required("broadcast.send_emergency")
def emergency(request, unit):
    form = EmergencyForm(request.POST or None, unit=unit)
    if request.method == "POST" and not editing_again(request) and form.is_valid():
        data = form.cleaned_data
        program = data["program"]
        page = confirm_reach(
            request,
            emergency_question(unit, program.title if program else data["title"]),
            title="Xác nhận phát khẩn cấp qua loa",
        )
        if page is not None:
            return page
        try:
            if program is None:
                program = services.create_tts_program(
                    unit,
                    data["title"],
                    data["text"],
                    created_by=request.user.get_username(),
                )
        except ValidationError as exc:
            for message in services.validation_messages(exc):
                form.add_error("text", message)
        else:
            dispatch = services.emergency(program, [unit])
            messages.success(
                request,
                f"Đã phát khẩn cấp “{program.title}” tới "
                f"{dispatch.target_count} cụm loa.",
            )
            return redirect("broadcast_admin_dispatch", pk=dispatch.pk)
    return _form_page(
        request,
        unit,
        form,
        title="Phát khẩn cấp ngay",
        submit="Phát khẩn cấp",
        danger=True,
    )


@unit_permission_required("broadcast.view_program")
def dispatch_detail(request, pk, unit):
    dispatch = get_object_or_404(
        Dispatch.objects.select_related("program", "unit"),
        pk=pk,
        unit__in=unit.descendants(include_self=True),
    )
    deliveries = list(
        Delivery.objects.filter(dispatch=dispatch)
        .select_related("cluster__unit")
        .order_by("cluster__unit__path", "cluster__name")
    )
    for delivery in deliveries:
        delivery.is_offline = not delivery.cluster.online or delivery.cluster.is_stale
    # Rows are written with the dispatch; "queued" ones wait for the
    # publisher (a dispatch from before that has fewer rows than targets).
    waiting = sum(1 for d in deliveries if d.state == DeliveryState.QUEUED) + (
        dispatch.target_count - len(deliveries)
    )
    return render(
        request,
        "broadcast/admin/dispatch.html",
        {
            "unit": unit,
            "dispatch": dispatch,
            "deliveries": deliveries,
            "waiting": max(0, waiting),
            "acked": sum(1 for d in deliveries if d.acknowledged_at),
            "stoppable": any(d.state in services.LIVE_STATES for d in deliveries)
            and dispatch.expires_at > timezone.now(),
            "stopped": sum(1 for d in deliveries if d.state == DeliveryState.STOPPED),
        },
    )


@unit_permission_required("broadcast.change_schedule")
@require_POST
def dispatch_stop(request, pk, unit):
    """ "Dừng phát ngay": every cluster still holding this dispatch stops it
    (a stop command with its own cid; each device answers "Đã dừng")."""
    dispatch = get_object_or_404(
        Dispatch, pk=pk, unit__in=unit.descendants(include_self=True)
    )
    stream = Stream.objects.filter(dispatch=dispatch).first()
    if stream is not None:
        # A stream's dispatch: the encoder stops too (services.streams).
        from .services import streams

        count = streams.stop_stream(stream, reason="operator")
    else:
        count = services.stop_dispatch(dispatch)
    if count:
        messages.success(
            request, f"Đã gửi lệnh dừng tới {count} cụm loa; chờ thiết bị xác nhận."
        )
    else:
        messages.info(request, "Không còn cụm loa nào đang giữ lượt phát này.")
    return redirect("broadcast_admin_dispatch", pk=dispatch.pk)


# --- clusters: registration and credentials ---------------------------------

CREDENTIALS_SESSION_KEY = "broadcast_cluster_credentials"


def _cluster_of(unit, pk):
    """A cluster of the unit (a commune) or of a unit below it."""
    units = unit.descendants(include_self=True)
    return get_object_or_404(SpeakerCluster, pk=pk, unit__in=units)


def _show_credentials_once(request, cluster, password):
    # Kept in the session only until the page that shows them is rendered.
    request.session[CREDENTIALS_SESSION_KEY] = {
        "pk": cluster.pk,
        "provisioning": services.device_provisioning(cluster, password),
    }
    return redirect("broadcast_admin_cluster_credentials", pk=cluster.pk)


@unit_permission_required("broadcast.add_speakercluster")
def cluster_add(request, unit):
    from .forms import ClusterAddForm

    form = ClusterAddForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cluster, password = services.create_cluster(
            unit,
            name=data["name"],
            device_id=data["device_id"],
            hamlet_ref=data.get("hamlet_ref"),
            hamlet=data["hamlet_ref"].name if data.get("hamlet_ref") else "",
            volume=data["volume"],
            on_time=data["on_time"],
            off_time=data["off_time"],
            has_fm_fallback=data["has_fm_fallback"],
        )
        messages.success(request, f"Đã đăng ký cụm loa “{cluster.name}”.")
        return _show_credentials_once(request, cluster, password)
    return _form_page(
        request, unit, form, title="Thêm cụm loa", submit="Đăng ký và cấp khóa"
    )


@unit_permission_required("broadcast.change_speakercluster")
def cluster_credentials(request, pk, unit):
    """The credentials of a cluster just registered or re-keyed: shown once,
    as text, a file to download and a QR code of the same JSON."""
    import base64
    import json

    import segno

    cluster = _cluster_of(unit, pk)
    stash = request.session.get(CREDENTIALS_SESSION_KEY)
    provisioning = None
    if stash and stash.get("pk") == cluster.pk:
        provisioning = stash["provisioning"]
        del request.session[CREDENTIALS_SESSION_KEY]
    context = {"unit": unit, "cluster": cluster, "provisioning": provisioning}
    if provisioning:
        text = json.dumps(provisioning, ensure_ascii=False, indent=1)
        context.update(
            text=text,
            download=base64.b64encode(text.encode()).decode(),
            filename=f"{cluster.device_id}.json",
            qr_svg=segno.make(
                json.dumps(provisioning, ensure_ascii=False, separators=(",", ":")),
                error="m",
            ).svg_inline(scale=3),
        )
    response = render(request, "broadcast/admin/credentials.html", context)
    response["Cache-Control"] = "no-store"
    return response


@unit_permission_required("broadcast.change_speakercluster")
@require_POST
def cluster_rotate(request, pk, unit):
    cluster = _cluster_of(unit, pk)
    if not cluster.is_active:
        cluster.is_active = True
        cluster.save(update_fields=["is_active"])
    password = services.rotate_credentials(cluster)
    messages.success(
        request,
        f"Đã cấp mật khẩu và khóa mới cho “{cluster.name}”; khóa cũ hết hiệu lực.",
    )
    return _show_credentials_once(request, cluster, password)


@unit_permission_required("broadcast.change_speakercluster")
@require_POST
def cluster_revoke(request, pk, unit):
    cluster = _cluster_of(unit, pk)
    services.revoke_credentials(cluster)
    messages.warning(
        request,
        f"Đã thu hồi khóa của “{cluster.name}”: thiết bị không kết nối được nữa "
        "cho đến khi được cấp khóa mới.",
    )
    return redirect("broadcast_admin_cluster_credentials", pk=cluster.pk)


@unit_permission_required("broadcast.view_speakercluster")
def cluster_log(request, pk, unit):
    """One cluster as it is: what its device reports (presence, volume,
    firmware, what plays, IP or FM), its open alerts, the FM switch, and its
    play log (what, when, how long, result; reports not counted toward hours
    aired with why)."""
    return _cluster_page(request, unit, _cluster_of(unit, pk))


def _cluster_page(request, unit, cluster, fm_form=None, status=200):
    from django.core.paginator import Paginator

    from .forms import FmForm
    from .models import ClusterAlert, PlayLog

    logs = PlayLog.objects.filter(cluster=cluster).select_related("program")
    rejected_only = request.GET.get("loai") == "khong-tinh"
    if rejected_only:
        logs = logs.filter(accepted=False)
    page = Paginator(logs.order_by("-started_at", "-pk"), 50).get_page(
        request.GET.get("p")
    )
    cluster.is_offline = not cluster.online or cluster.is_stale
    if fm_form is None:
        fm_form = FmForm(
            initial={
                "mode": "fm",
                "frequency": str(cluster.fm_frequency or "").replace(".", ","),
            }
        )
    return render(
        request,
        "broadcast/admin/cluster_log.html",
        {
            "unit": unit,
            "cluster": cluster,
            "page": page,
            "rejected_only": rejected_only,
            "rejected_count": PlayLog.objects.filter(
                cluster=cluster, accepted=False
            ).count(),
            "alerts": ClusterAlert.objects.filter(
                cluster=cluster, unit=unit, resolved_at__isnull=True
            ),
            "fm_form": fm_form,
            "plans": cluster.plans.filter(day__gte=timezone.localdate())
            .prefetch_related("items")
            .order_by("day", "-version")[:4],
        },
        status=status,
    )


@unit_permission_required("broadcast.change_speakercluster")
@require_POST
def cluster_fm(request, pk, unit):
    """ "Chuyển sang FM" / back to IP: an ``fm`` command to the device."""
    from .forms import FmForm

    cluster = _cluster_of(unit, pk)
    form = FmForm(request.POST)
    if not form.is_valid():
        return _cluster_page(request, unit, cluster, fm_form=form, status=400)
    mode, frequency = form.cleaned_data["mode"], form.cleaned_data["frequency"]
    services.switch_source(cluster, mode, frequency)
    if mode == "fm":
        shown = str(frequency).replace(".", ",")
        text = f"Đã gửi lệnh chuyển “{cluster.name}” sang FM {shown} MHz."
        messages.success(request, text)
    else:
        messages.success(request, f"Đã gửi lệnh đưa “{cluster.name}” về mạng IP.")
    return redirect("broadcast_admin_cluster_log", pk=cluster.pk)
