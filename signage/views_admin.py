"""Views of signage inside a unit's Wagtail admin (Vietnamese).

Every object is looked up within the current unit, so an official of one
commune can never open, pair or interrupt another commune's board, and every
action checks the model permission of the official's role (interrupting and
pairing are the approver's).
"""

import csv
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.views import generic

from base.admin import confirm_reach, editing_again, unit_permission_required
from base.units import ONLY_IN_UNIT_ADMIN, unit_or_404

from . import services
from .forms import InterruptNowForm, PairForm, PairNewForm
from .models import Board, BoardGroup, CommandKind, Interrupt, Slide

ONLY_IN_ADMIN = ONLY_IN_UNIT_ADMIN


# --- what the generic views add (base.admin.UnitScopedViewSet scopes them) ---


class ContentCreateView(generic.CreateView):
    def get_initial_form_instance(self):
        instance = self.model()
        if hasattr(instance, "created_by"):
            instance.created_by = self.request.user.get_username()
        return instance

    def save_instance(self):
        instance = super().save_instance()
        minutes = self.form.cleaned_data.get("minutes")
        if minutes and getattr(instance, "expires_at", "-") is None:
            instance.expires_at = instance.starts_at + timedelta(minutes=minutes)
            instance.save(update_fields=["expires_at"])
        _changed(instance)
        return instance


def _changed(instance):
    """Push the unit's boards; an interrupt also at its start and end; a new
    video goes to the worker to be transcoded."""
    if isinstance(instance, Slide):
        services.video_saved(instance)
    if isinstance(instance, Interrupt):
        services.interrupt_saved(instance)
    else:
        services.content_changed(unit_or_404(ONLY_IN_ADMIN))


class ContentEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        _changed(instance)
        return instance


class ContentDeleteView(generic.DeleteView):
    def delete_action(self):
        super().delete_action()
        services.content_changed(unit_or_404(ONLY_IN_ADMIN))


# --- board actions ---


@unit_permission_required("signage.change_board")
def pair_board(request, pk, unit):
    board = get_object_or_404(Board, pk=pk, unit=unit)
    form = PairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.pair_board(board, form.cleaned_data["code"]):
            messages.success(request, f"Đã ghép nối màn hình với “{board.name}”.")
            return redirect("signage_boards:index")
        form.add_error("code", _wrong_code())
    return render(
        request,
        "signage/admin/pair.html",
        {
            "board": board,
            "form": form,
            "player_path": "/signage/player/",
            "ttl_hours": _ttl_hours(),
        },
    )


def _ttl_hours():
    return round(services.PAIRING_TTL.total_seconds() / 3600)


def _wrong_code():
    return (
        "Mã không đúng hoặc đã hết hạn. Hãy nhập đúng mã đang hiển thị trên "
        f"màn hình (mã có hiệu lực {_ttl_hours()} giờ)."
    )


@unit_permission_required("signage.change_board")
def pair_new(request, unit):
    """Pair the screen in front of the official: type its code, name it (or
    pick a pre-registered board). Kind and resolution come from the screen."""
    form = PairNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        board = data["board"]
        if board is not None:
            paired = services.pair_board(board, data["code"])
        else:
            board = services.pair_new_board(
                unit, data["code"], data["name"].strip(), data["place"]
            )
            paired = board is not None
        if paired:
            board.refresh_from_db()
            messages.success(
                request,
                f"Đã ghép nối “{board.name}” ({board.get_kind_display()}, "
                f"{board.resolution}).",
            )
            return redirect("signage_boards:index")
        form.add_error("code", _wrong_code())
    return render(
        request,
        "signage/admin/pair_new.html",
        {"form": form, "player_path": "/signage/player/", "ttl_hours": _ttl_hours()},
    )


def _command_from(request):
    """(kind, value) of a posted command, or None after telling why."""
    kind = request.POST.get("kind", "")
    value = request.POST.get("value") or None
    if kind not in CommandKind.values:
        messages.error(request, "Lệnh không hợp lệ.")
        return None
    try:
        value = int(value) if value is not None else None
    except ValueError:
        value = None
    if kind == CommandKind.BRIGHTNESS and not (value and 1 <= value <= 100):
        messages.error(request, "Độ sáng phải là số từ 1 đến 100.")
        return None
    return kind, value


@unit_permission_required("signage.change_board")
def board_control(request, pk, unit):
    """One board's health, last screenshot and remote commands."""
    board = get_object_or_404(Board, pk=pk, unit=unit)
    if request.method == "POST" and request.POST.get("action") == "revoke":
        services.revoke_board(board)
        messages.warning(
            request,
            f"Đã thu hồi mã xác thực của “{board.name}”: màn hình cũ không còn "
            "nhận nội dung mới. Ghép nối lại để dùng màn hình khác.",
        )
        return redirect("signage_boards:index")
    if request.method == "POST":
        command = _command_from(request)
        if command is not None:
            kind, value = command
            services.send_command(board, kind, value, by=request.user.get_username())
            messages.success(
                request,
                f"Đã gửi lệnh “{CommandKind(kind).label}” tới “{board.name}”.",
            )
        return redirect("signage_admin_board_control", pk=board.pk)
    board.refresh_from_db()
    return render(
        request,
        "signage/admin/board_control.html",
        {
            "board": board,
            "commands": board.commands.order_by("-created_at")[:10],
            "health": services.health_rows(board),
            "kinds": CommandKind,
        },
    )


@unit_permission_required("signage.change_board", "signage.view_boardgroup")
def group_control(request, pk, unit):
    """A group's boards (of this unit and the units below) and one command
    for all of them, with what each board did with it."""
    group = get_object_or_404(BoardGroup, pk=pk, unit=unit)
    if request.method == "POST":
        command = _command_from(request)
        if command is not None:
            kind, value = command
            sent = services.send_group_command(
                group, kind, value, by=request.user.get_username()
            )
            messages.success(
                request,
                f"Đã gửi lệnh “{CommandKind(kind).label}” tới {len(sent)} bảng "
                f"của nhóm “{group.name}”.",
            )
        return redirect("signage_admin_group_control", pk=group.pk)
    rows = services.group_status(group)
    return render(
        request,
        "signage/admin/group_control.html",
        {
            "group": group,
            "rows": rows,
            "waiting": any(r["command"] and not r["command"].done_at for r in rows),
        },
    )


@unit_permission_required("signage.change_board", "signage.view_boardgroup")
def group_screenshot(request, pk, board_pk, unit):
    """The last screenshot of one board of the group: boards of the units
    below keep theirs in their own unit's media, which this host does not
    serve."""
    group = get_object_or_404(BoardGroup, pk=pk, unit=unit)
    board = get_object_or_404(services.group_boards(group), pk=board_pk)
    if not board.screenshot:
        raise Http404("Chưa có ảnh chụp.")
    path = settings.MEDIA_ROOT / board.unit.schema_name / board.screenshot.name
    if not path.is_file():
        raise Http404("Chưa có ảnh chụp.")
    kind = "image/png" if path.suffix == ".png" else "image/jpeg"
    response = FileResponse(open(path, "rb"), content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


@unit_permission_required("signage.add_interrupt")
def interrupt_now(request, unit):
    """The official's "interrupt" action: every board of the unit, at once,
    after a confirmation that states the reach."""
    form = InterruptNowForm(request.POST or None)
    if request.method == "POST" and not editing_again(request) and form.is_valid():
        boards = Board.objects.filter(unit=unit).count()
        minutes = form.cleaned_data["minutes"]
        length = f" trong {minutes} phút" if minutes else " cho đến khi kết thúc"
        page = confirm_reach(
            request,
            f"Ngắt {boards} bảng tin của {unit.name}{length}?",
            title="Xác nhận phát khẩn cấp lên bảng tin",
        )
        if page is not None:
            return page
        services.interrupt(
            unit,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            minutes=form.cleaned_data["minutes"],
            by=request.user.get_username(),
        )
        messages.warning(
            request, "Đã phát thông báo khẩn cấp lên mọi bảng tin của đơn vị."
        )
        return redirect("signage_interrupts:index")
    return render(request, "signage/admin/interrupt_now.html", {"form": form})


@unit_permission_required("signage.change_interrupt")
def clear_interrupt(request, pk, unit):
    item = get_object_or_404(Interrupt, pk=pk, unit=unit)
    if request.method == "POST":
        services.clear_interrupt(item)
        messages.success(request, f"Đã kết thúc “{item.title}”; bảng tin phát lại.")
        return redirect("signage_interrupts:index")
    return render(request, "signage/admin/clear_interrupt.html", {"item": item})


# --- monitoring of the subtree ---


@unit_permission_required("signage.view_board")
def overview(request, unit):
    """Boards of this unit and every unit below it, with counts."""
    boards, per_unit, summary = services.subtree_boards(unit)
    return render(
        request,
        "signage/admin/overview.html",
        {
            "unit": unit,
            "boards": boards,
            "per_unit": per_unit,
            "summary": summary,
            "csv_url": reverse("signage_admin_plays_csv"),
        },
    )


def _day(value, default):
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        return default
    return timezone.make_aware(datetime.combine(day, time()))


@unit_permission_required("signage.view_board")
def plays_csv(request, unit):
    """Proof of play of the subtree, one row per board, hour and slide."""
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time()))
    since = _day(request.GET.get("from"), today - timedelta(days=30))
    until = _day(request.GET.get("to"), today) + timedelta(days=1)
    units = list(unit.descendants(include_self=True))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="trinh-chieu-{unit.code}-{since:%Y%m%d}.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(response)
    writer.writerow(
        ["Đơn vị", "Bảng tin", "Giờ", "Mã trang", "Tiêu đề", "Số lượt", "Số giây"]
    )
    for row in services.play_rows(units, since, until).iterator():
        writer.writerow(
            [
                str(row.board.unit),
                row.board.name,
                timezone.localtime(row.hour).strftime("%d/%m/%Y %H:00"),
                row.slide_key,
                row.title,
                row.plays,
                row.seconds,
            ]
        )
    return response
