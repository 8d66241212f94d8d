"""Admin views: the officers' side (platform admin, public schema) and the
commune's inbox (the commune's own admin). Thin: the work is in services."""

import csv
import functools
import io
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from base.choices import Priority
from base.units import unit_or_404
from tenants.services import current_unit

from . import services
from .forms import BulletinForm, DeclineForm
from .models import Attachment, Bulletin, BulletinStatus, Delivery, DeliveryState


def officer_view(view):
    """Only on the platform host, only for officers (scope passed on)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if connection.schema_name != "public":
            raise Http404
        try:
            scope = services.officer_scope(request.user)
        except PermissionDenied as refusal:
            return render(
                request,
                "bulletins/refused.html",
                {"message": str(refusal), "heading": "Thông tin nguồn"},
                status=403,
            )
        return view(request, *args, scope=scope, **kwargs)

    return wrapper


def commune_view(view):
    """Only on a unit's host; the unit is the host's, never a parameter."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, unit=unit_or_404(), **kwargs)

    return wrapper


# --- officers --------------------------------------------------------------------


@officer_view
def bulletin_list(request, scope):
    bulletins = services.visible_bulletins(scope).annotate(
        deliveries_count=Count("deliveries")
    )
    return render(
        request,
        "bulletins/officer/list.html",
        {"bulletins": bulletins[:200], "scope": scope},
    )


@officer_view
def bulletin_create(request, scope):
    form = BulletinForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: v for k, v in data.items() if k not in ("attachments",)}
        target_units = fields.pop("target_units", None) or []
        if scope is None:
            root = fields.get("target_root") or (target_units or [None])[0]
            fields["sender_unit"] = (root.ancestors() or [root])[0]
        with transaction.atomic():
            bulletin = services.create_bulletin(
                user=request.user, scope=scope, target_units=target_units, **fields
            )
            for upload, kind in form.classified:
                Attachment.objects.create(
                    bulletin=bulletin,
                    file=upload,
                    kind=kind,
                    name=upload.name,
                    size=upload.size,
                )
        if "send" in request.POST and services.can_approve(request.user):
            services.send_bulletin(bulletin, user=request.user)
            messages.success(request, "Đã duyệt và gửi thông tin nguồn.")
        else:
            messages.success(request, "Đã lưu bản nháp, chờ phê duyệt.")
        return redirect("bulletins_detail", pk=bulletin.pk)
    if request.method == "POST":
        messages.error(request, "Chưa gửi được: hãy sửa các mục được đánh dấu.")
    return render(
        request,
        "bulletins/officer/form.html",
        {
            "form": form,
            "scope": scope,
            "can_approve": services.can_approve(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@officer_view
def bulletin_detail(request, pk, scope):
    bulletin = get_object_or_404(services.visible_bulletins(scope), pk=pk)
    # One read of the deliveries for the counts and the table: two queries
    # could straddle the fan-out and disagree (ux B13: "Đã gửi: 20" above an
    # empty table).
    all_rows = services.dashboard_rows(Delivery.objects.filter(bulletin=bulletin))
    state = request.GET.get("trang-thai")
    rows = [r for r in all_rows if r["state_code"] == state] if state else all_rows
    if request.GET.get("xuat") in ("csv", "xlsx"):
        return export(rows, request.GET["xuat"], f"thong-tin-nguon-{bulletin.pk}")
    counts = Counter(r["state_code"] for r in all_rows)
    return render(
        request,
        "bulletins/officer/detail.html",
        {
            "bulletin": bulletin,
            "rows": rows,
            "counts": [
                (s.label, s.value, counts.get(s.value, 0)) for s in DeliveryState
            ],
            "overdue": sum(1 for r in rows if r["overdue"]),
            "can_send": bulletin.status == BulletinStatus.DRAFT
            and services.can_approve(request.user),
            "can_withdraw": bulletin.status == BulletinStatus.SENT
            and services.can_approve(request.user),
            "selected_state": state,
            # Sent, but the deliveries are still being created by the worker.
            "fanning_out": bulletin.status == BulletinStatus.SENT and not all_rows,
        },
    )


def _bulletin_action(request, pk, scope, action, done):
    """Run ``action(bulletin, user=…)`` on a bulletin the officer sees; a
    refusal is shown on the dashboard in Vietnamese."""
    bulletin = get_object_or_404(services.visible_bulletins(scope), pk=pk)
    try:
        action(bulletin, user=request.user)
    except (ValidationError, PermissionDenied) as refusal:
        messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
    else:
        messages.success(request, done)
    return redirect("bulletins_detail", pk=pk)


@officer_view
@require_POST
def bulletin_send(request, pk, scope):
    return _bulletin_action(
        request, pk, scope, services.send_bulletin, "Đã duyệt và gửi thông tin nguồn."
    )


@officer_view
@require_POST
def bulletin_withdraw(request, pk, scope):
    return _bulletin_action(
        request, pk, scope, services.withdraw_bulletin, "Đã thu hồi thông tin nguồn."
    )


@officer_view
def unit_dashboard(request, scope):
    units = services.units_below(scope).order_by("path")
    code = request.GET.get("don-vi", "").strip()
    unit = units.filter(code=code).first() if code else None
    rows = []
    if code and unit is None:
        messages.error(request, "Đơn vị này không thuộc phạm vi quản lý của bạn.")
    if unit is not None:
        deliveries = Delivery.objects.filter(
            unit=unit, bulletin__in=services.visible_bulletins(scope)
        ).order_by("-bulletin__sent_at", "channel")
        rows = services.dashboard_rows(deliveries)
        if request.GET.get("xuat") in ("csv", "xlsx"):
            return export(rows, request.GET["xuat"], f"don-vi-{unit.code}")
    return render(
        request,
        "bulletins/officer/unit.html",
        {"units": units[:2000], "unit": unit, "rows": rows, "code": code},
    )


EXPORT_COLUMNS = [
    ("bulletin", "Thông tin"),
    ("unit_code", "Mã đơn vị"),
    ("unit", "Đơn vị"),
    ("channel", "Kênh"),
    ("state", "Trạng thái"),
    ("changed_at", "Cập nhật"),
    ("actor", "Người thực hiện"),
    ("note", "Ghi chú"),
    ("overdue", "Quá hạn"),
]


def export_values(row):
    values = []
    for key, _ in EXPORT_COLUMNS:
        value = row[key]
        if key == "changed_at":
            value = timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
        elif key == "overdue":
            value = "Có" if value else ""
        values.append(value)
    return values


def export(rows, fmt, name):
    headers = [label for _, label in EXPORT_COLUMNS]
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
        writer = csv.writer(response)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(export_values(row))
        return response
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "Tình trạng chuyển"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    overdue_fill = PatternFill("solid", fgColor="FFD7D7")
    for row in rows:
        sheet.append(export_values(row))
        if row["overdue"]:
            for cell in sheet[sheet.max_row]:
                cell.fill = overdue_fill
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- the commune's inbox ------------------------------------------------------


@commune_view
def inbox(request, unit):
    bulletins = list(services.inbox(unit))
    states = {}
    for d in Delivery.objects.filter(unit=unit, bulletin__in=bulletins):
        states.setdefault(d.bulletin_id, []).append(d)
    return render(
        request,
        "bulletins/inbox/list.html",
        {
            "items": [(b, states.get(b.pk, [])) for b in bulletins],
            "unit": unit,
        },
    )


@commune_view
def inbox_detail(request, pk, unit):
    # One delivery row per channel: without distinct() a bulletin sent on two
    # or more channels matches several times (MultipleObjectsReturned).
    bulletin = get_object_or_404(
        Bulletin.objects.select_related("sender_unit")
        .filter(deliveries__unit=unit)
        .distinct(),
        pk=pk,
    )
    services.open_bulletin(bulletin, unit, request.user)
    form = DeclineForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "use":
                page = services.use_as_page(bulletin, unit, request.user)
                messages.success(
                    request,
                    f"Đã tạo trang «{page.title}» và gửi duyệt theo quy trình "
                    "của đơn vị.",
                )
                return redirect("wagtailadmin_pages:edit", page.pk)
            if action == "decline":
                form = DeclineForm(request.POST)
                if form.is_valid():
                    services.decline(
                        bulletin, unit, form.cleaned_data["reason"], request.user
                    )
                    messages.success(request, "Đã từ chối thông tin này.")
                    return redirect("bulletins_inbox")
                messages.error(request, "Hãy ghi lý do từ chối.")
            elif action == "devices":
                # Above "Bình thường" boards and speakers interrupt or
                # pre-empt: the approver's right, as on the devices' own
                # emergency views (security review H2).
                if bulletin.priority != Priority.NORMAL and not (
                    request.user.has_perm("broadcast.send_emergency")
                    and request.user.has_perm("signage.add_interrupt")
                ):
                    raise ValidationError(
                        "Chỉ người duyệt (hoặc lãnh đạo) được chuyển thông tin "
                        "ưu tiên, khẩn cấp tới bảng tin và loa."
                    )
                services.pass_to_devices(bulletin, unit, request.user)
                messages.success(request, "Đã chuyển tới bảng tin và loa của đơn vị.")
                return redirect("bulletins_inbox_detail", pk=pk)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
    deliveries = services.deliveries_for(bulletin, unit)
    open_channels = {
        c for c, d in deliveries.items() if d.state in ("sent", "received")
    }
    return render(
        request,
        "bulletins/inbox/detail.html",
        {
            "bulletin": bulletin,
            "deliveries": sorted(deliveries.values(), key=lambda d: d.channel),
            "can_use": "web" in open_channels,
            "can_pass": bool(open_channels & {"board", "speaker"}),
            "can_decline": bool(open_channels),
            "form": form,
            "attachments": bulletin.attachments.all(),
        },
        status=400 if request.method == "POST" else 200,
    )


@commune_view
def attachment(request, pk, unit):
    """A bulletin's file, for a unit the bulletin was delivered to."""
    item = get_object_or_404(
        Attachment.objects.filter(bulletin__deliveries__unit=unit).distinct(), pk=pk
    )
    return _serve(item)


def _serve(item):
    # Uploaded on the platform host: the file is in the public media folder.
    path = settings.MEDIA_ROOT / "public" / item.file.name
    if not path.is_file():
        raise Http404("Không tìm thấy tệp.")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=item.name)


@officer_view
def officer_attachment(request, pk, scope):
    item = get_object_or_404(
        Attachment, pk=pk, bulletin__in=services.visible_bulletins(scope)
    )
    return _serve(item)


def public_bulletin(request, pk):
    """A sent bulletin, readable on its sender's host or a recipient's host."""
    unit = unit_or_404()
    bulletin = (
        Bulletin.objects.filter(pk=pk, status=BulletinStatus.SENT)
        .filter(sender_unit=unit)
        .first()
        or Bulletin.objects.filter(
            pk=pk, status=BulletinStatus.SENT, deliveries__unit=unit
        ).first()
    )
    if bulletin is None:
        raise Http404("Không tìm thấy thông tin.")
    return render(request, "bulletins/public_detail.html", {"bulletin": bulletin})


# --- one log-in for officers (bulletins.sso) ---------------------------------------


def officer_enter_unit(request):
    """Platform admin → the officer's own unit's admin, without a second
    password (a signed, single-use ticket)."""
    from . import sso
    from .models import OfficerProfile

    if connection.schema_name != "public":
        raise Http404
    profile = (
        OfficerProfile.objects.filter(user=request.user).select_related("unit").first()
    )
    if profile is None:
        return render(
            request,
            "bulletins/refused.html",
            {
                "message": "Chỉ cán bộ được gắn với một đơn vị mới vào được trang "
                "quản trị của đơn vị đó.",
                "heading": "Quản trị trang của đơn vị",
            },
            status=403,
        )
    return redirect(sso.unit_admin_url(profile, sso.ticket_for(profile)))


def officer_ticket(request):
    """On a unit's host: check the ticket, log the officer in, open the admin."""
    from . import sso

    if current_unit() is None:
        raise Http404
    try:
        sso.enter(request, request.GET.get("t"))
    except sso.TicketRefused as refusal:
        return render(
            request,
            "bulletins/refused_public.html",
            {"message": str(refusal)},
            status=403,
        )
    return redirect("/admin/")
