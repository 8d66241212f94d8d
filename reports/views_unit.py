"""The reporting unit's side (its own admin on its host): the reports its
district or province asks for, filled mostly from the platform's figures."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from base.units import ONLY_IN_UNIT_ADMIN, unit_or_404

from . import services
from .forms import ReportForm
from .models import PeriodicReport, ReportReminder
from .pipeline import ReportStatus, TransitionError

REFUSED = (
    "Tài khoản của bạn chưa được giao quyền lập báo cáo của đơn vị. Hãy liên hệ "
    "người quản trị trang của đơn vị."
)


def _refused(request):
    return render(
        request, "reports/admin/refused.html", {"message": REFUSED}, status=403
    )


def report_list(request):
    unit = unit_or_404(ONLY_IN_UNIT_ADMIN)
    if not request.user.has_perm("reports.view_periodicreport"):
        return _refused(request)
    reports = (
        PeriodicReport.objects.filter(unit=unit)
        .select_related("period", "period__unit")
        .order_by("-period__deadline")
    )
    reminders = ReportReminder.objects.filter(
        report__unit=unit, dismissed_at__isnull=True
    ).select_related("report__period")[:5]
    return render(
        request,
        "reports/admin/unit_reports.html",
        {
            "reports": reports,
            "unit": unit,
            "reminders": reminders,
            "heading": "Báo cáo định kỳ",
        },
    )


def report_edit(request, pk):
    unit = unit_or_404(ONLY_IN_UNIT_ADMIN)
    if not request.user.has_perm("reports.change_periodicreport"):
        return _refused(request)
    report = get_object_or_404(
        PeriodicReport.objects.select_related("period", "unit"), pk=pk, unit=unit
    )
    return report_form_response(request, report, back="reports_unit_list")


def report_form_response(request, report, *, back):
    editable = services.is_editable(report)
    if editable and request.method == "GET":
        services.prefill(report)
        report.save(update_fields=["computed", "figures", "updated_at"])
    form = ReportForm(request.POST or None, report=report)
    status = 200
    if request.method == "POST":
        if not editable:
            messages.error(request, "Báo cáo đã nộp, không sửa được nữa.")
            return redirect(request.path)
        if form.is_valid():
            report.figures = form.figures()
            for name in ("results", "difficulties", "proposals"):
                setattr(report, name, form.cleaned_data[name])
            report.save()
            if "submit" in request.POST:
                actor = request.user.get_full_name() or request.user.get_username()
                try:
                    services.set_status(report, ReportStatus.SUBMITTED, actor=actor)
                except TransitionError as refusal:
                    messages.error(request, str(refusal))
                else:
                    ReportReminder.objects.filter(report=report).update(
                        dismissed_at=report.submitted_at
                    )
                    messages.success(
                        request,
                        "Đã nộp báo cáo (trễ hạn)."
                        if report.is_late
                        else "Đã nộp báo cáo đúng hạn.",
                    )
                return redirect(back)
            messages.success(request, "Đã lưu báo cáo, chưa nộp.")
            return redirect(request.path)
        messages.error(request, "Chưa lưu được: hãy sửa các mục được đánh dấu.")
        status = 400
    return render(
        request,
        "reports/admin/report_form.html",
        {
            "report": report,
            "form": form,
            "editable": editable,
            "back": back,
            "heading": str(report.period),
        },
        status=status,
    )


SECTIONS = ("ap", "dai", "ttv", "taphuan")


def registries(request):
    """The unit's own registries: hamlets, legacy stations, propagandists and
    this year's training figures, each saved on its own (nothing typed is
    lost when another section has an error)."""
    from django.db import transaction
    from django.utils import timezone

    from .forms import (
        TrainingForm,
        hamlet_formset,
        propagandist_formset,
        station_formset,
    )
    from .models import TrainingRecord

    unit = unit_or_404(ONLY_IN_UNIT_ADMIN)
    if not request.user.has_perm("tenants.change_hamlet"):
        return _refused(request)
    year = timezone.localdate().year
    section = request.POST.get("section") if request.method == "POST" else None
    data = request.POST if section in SECTIONS else None
    record = TrainingRecord.objects.filter(unit=unit, year=year).first()
    forms = {
        "ap": hamlet_formset(unit, data if section == "ap" else None),
        "dai": station_formset(unit, data if section == "dai" else None),
        "ttv": propagandist_formset(unit, data if section == "ttv" else None),
        "taphuan": TrainingForm(
            data if section == "taphuan" else None,
            initial={
                "officials": record.officials if record else None,
                "trained": record.trained if record else None,
                "trained_online": record.trained_online if record else None,
            },
        ),
    }
    status = 200
    if section in SECTIONS:
        form = forms[section]
        if form.is_valid():
            with transaction.atomic():
                if section == "taphuan":
                    TrainingRecord.objects.update_or_create(
                        unit=unit,
                        year=year,
                        defaults={
                            "officials": form.cleaned_data["officials"],
                            "trained": form.cleaned_data["trained"],
                            "trained_online": form.cleaned_data["trained_online"] or 0,
                        },
                    )
                else:
                    form.save()
            messages.success(request, "Đã lưu danh mục.")
            return redirect(request.path + f"#{section}")
        messages.error(request, "Chưa lưu được: hãy sửa các mục được đánh dấu.")
        status = 400
    return render(
        request,
        "reports/admin/unit_registries.html",
        {"unit": unit, "forms": forms, "year": year, "heading": "Danh mục của đơn vị"},
        status=status,
    )
