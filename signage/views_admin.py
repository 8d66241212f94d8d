"""Views of signage inside a unit's Wagtail admin (Vietnamese).

Every object is looked up within the current unit, so an official of one
commune can never open, pair or interrupt another commune's board.
"""

import csv
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import generic

from base.units import unit_or_404
from tenants.services import current_unit

from . import services
from .forms import InterruptNowForm, PairForm, PairNewForm
from .models import Board, Interrupt

ONLY_IN_ADMIN = "Bảng tin chỉ quản lý trong trang quản trị của đơn vị."


# --- generic views scoped to the current unit ---


class ScopedIndexView(generic.IndexView):
    unit_lookup = "unit"

    def get_base_queryset(self):
        unit = current_unit()
        return (
            super()
            .get_base_queryset()
            .filter(**{self.unit_lookup: unit.pk if unit else None})
        )


class ScopedObjectMixin:
    unit_lookup = "unit"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        unit = current_unit()
        owner = obj
        for part in self.unit_lookup.split("__")[:-1]:
            owner = getattr(owner, part)
        if unit is None or getattr(owner, "unit_id", None) != unit.pk:
            raise Http404("Không tìm thấy mục này trong đơn vị.")
        return obj


class ScopedCreateView(generic.CreateView):
    def get_initial_form_instance(self):
        instance = self.model()
        if hasattr(instance, "unit_id"):
            instance.unit = unit_or_404(ONLY_IN_ADMIN)
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
    """Push the unit's boards; an interrupt also at its start and end."""
    if isinstance(instance, Interrupt):
        services.interrupt_saved(instance)
    else:
        services.content_changed(unit_or_404(ONLY_IN_ADMIN))


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        _changed(instance)
        return instance


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    def delete_action(self):
        super().delete_action()
        services.content_changed(unit_or_404(ONLY_IN_ADMIN))


# --- board actions ---


@require_admin_access
def pair_board(request, pk):
    unit = unit_or_404(ONLY_IN_ADMIN)
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


@require_admin_access
def pair_new(request):
    """Pair the screen in front of the official: type its code, name it (or
    pick a pre-registered board). Kind and resolution come from the screen."""
    unit = unit_or_404(ONLY_IN_ADMIN)
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


@require_admin_access
def interrupt_now(request):
    """The official's "interrupt" action: every board of the unit, at once."""
    unit = unit_or_404(ONLY_IN_ADMIN)
    form = InterruptNowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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


@require_admin_access
def clear_interrupt(request, pk):
    unit = unit_or_404(ONLY_IN_ADMIN)
    item = get_object_or_404(Interrupt, pk=pk, unit=unit)
    if request.method == "POST":
        services.clear_interrupt(item)
        messages.success(request, f"Đã kết thúc “{item.title}”; bảng tin phát lại.")
        return redirect("signage_interrupts:index")
    return render(request, "signage/admin/clear_interrupt.html", {"item": item})


# --- monitoring of the subtree ---


@require_admin_access
def overview(request):
    """Boards of this unit and every unit below it, with counts."""
    unit = unit_or_404(ONLY_IN_ADMIN)
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


@require_admin_access
def plays_csv(request):
    """Proof of play of the subtree, one row per board, hour and slide."""
    unit = unit_or_404(ONLY_IN_ADMIN)
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
