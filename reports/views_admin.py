"""The officers' side of "Đánh giá – Báo cáo" (platform admin, public
schema): the dashboard, the annual report download, the plan's targets,
the registries' spreadsheets and the periodic reports of the units below.
Thin: the figures are in services/dashboard, the files in exports."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import dashboard, exports, importers, scope, services
from .forms import PeriodForm, RegistryUploadForm, ReturnForm, TargetFormSet
from .models import PeriodicReport, Plan, ReportPeriod
from .pipeline import ReportStatus, TransitionError
from .registry import Period


def officer_view(view):
    """Platform host only; officers and superusers; root passed on."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if connection.schema_name != "public":
            raise Http404
        try:
            root = scope.officer_root(request.user)
        except PermissionDenied as refusal:
            return render(
                request,
                "reports/admin/refused.html",
                {"message": str(refusal)},
                status=403,
            )
        return view(request, *args, root=root, **kwargs)

    return wrapper


def _chosen_unit(request, root):
    """The unit the officer looks at: ?don-vi= inside the subtree, else the
    officer's own (a superuser without a choice gets the first province)."""
    code = request.GET.get("don-vi", "").strip()
    if code:
        return scope.unit_in_scope(root, code)
    if root is not None:
        return root
    return scope.visible_units(None).filter(kind="province").order_by("path").first()


def _refused(request, message):
    return render(
        request, "reports/admin/refused.html", {"message": message}, status=403
    )


@officer_view
def dashboard_view(request, root):
    try:
        unit = _chosen_unit(request, root)
    except PermissionDenied as refusal:
        return _refused(request, str(refusal))
    if unit is None:
        return _refused(request, "Chưa có đơn vị nào để đánh giá.")
    period, error = scope.period_from(request.GET)
    if error:
        messages.error(request, error)
    context = dashboard.build(unit, period)
    context.update(
        {
            "heading": "Đánh giá – Báo cáo",
            "years": list(range(scope.default_report_year(), 2020, -1)),
            # The year in the list only when the period is exactly that year's.
            "chosen_year": period.year
            if period == Period.report_year(period.year)
            else None,
            "ancestors": [
                u
                for u in unit.ancestors()
                if root is None or u.path.startswith(root.path)
            ],
            "officer_root": root,
        }
    )
    return render(request, "reports/admin/dashboard.html", context)


@officer_view
def annual_download(request, root):
    try:
        unit = _chosen_unit(request, root)
    except PermissionDenied as refusal:
        return _refused(request, str(refusal))
    year = request.GET.get("nam", "")
    if not year.isdigit():
        messages.error(request, "Hãy chọn năm báo cáo.")
        return redirect("reports_dashboard")
    fmt = request.GET.get("dinh-dang", "xlsx")
    if fmt not in ("xlsx", "docx"):
        messages.error(request, "Định dạng tải về phải là xlsx hoặc docx.")
        return redirect("reports_dashboard")
    content = exports.annual_report(unit, int(year), fmt)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-ttcs-{unit.code}-{year}.{fmt}"'
    )
    return response


# --- the plan's targets (province) ----------------------------------------------


@officer_view
def plan_targets(request, root):
    plan = services.plan_for(root) if root is not None else Plan.objects.first()
    if plan is None:
        return _refused(
            request, "Tỉnh chưa có kế hoạch. Hãy liên hệ quản trị hệ thống."
        )
    if root is not None and plan.unit_id != root.pk:
        return _refused(
            request,
            f"Chỉ tiêu do {plan.unit} ban hành; cán bộ {root} chỉ được xem.",
        )
    formset = TargetFormSet(request.POST or None, instance=plan)
    if request.method == "POST":
        if formset.is_valid():
            formset.save()
            messages.success(request, "Đã lưu các chỉ tiêu của kế hoạch.")
            return redirect("reports_targets")
        messages.error(request, "Chưa lưu được: hãy sửa các mục được đánh dấu.")
    return render(
        request,
        "reports/admin/targets.html",
        {"plan": plan, "formset": formset, "heading": "Chỉ tiêu kế hoạch"},
        status=400 if request.method == "POST" else 200,
    )


# --- registries' spreadsheets --------------------------------------------------


@officer_view
def registries(request, root):
    try:
        unit = _chosen_unit(request, root)
    except PermissionDenied as refusal:
        return _refused(request, str(refusal))
    if request.GET.get("xuat") == "xlsx":
        response = HttpResponse(
            importers.export_registries(unit),
            content_type=exports.CONTENT_TYPES["xlsx"],
        )
        response["Content-Disposition"] = (
            f'attachment; filename="danh-muc-ttcs-{unit.code}.xlsx"'
        )
        return response
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        report = importers.import_registries(form.cleaned_data["file"], root=unit)
        if report.ok:
            messages.success(request, report.summary())
        else:
            messages.error(request, "Chưa nhập gì: tệp có lỗi, xem danh sách bên dưới.")
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "reports/admin/registries.html",
        {"unit": unit, "form": form, "report": report, "heading": "Danh mục"},
        status=status,
    )


# --- periodic reports: the requesting side -----------------------------------------


@officer_view
def periods(request, root):
    if root is None:
        owned = ReportPeriod.objects.all()
    else:
        owned = ReportPeriod.objects.filter(unit=root)
    form = PeriodForm(request.POST or None)
    if request.method == "POST":
        if root is None:
            return _refused(request, "Kỳ báo cáo do cán bộ tỉnh, huyện mở.")
        if form.is_valid():
            period = services.open_period(
                unit=root,
                actor=request.user.get_full_name() or request.user.get_username(),
                **form.cleaned_data,
            )
            messages.success(
                request, f"Đã mở kỳ báo cáo, {period.reports.count()} đơn vị phải nộp."
            )
            return redirect("reports_period", pk=period.pk)
        messages.error(
            request, "Chưa mở được kỳ báo cáo: hãy sửa các mục được đánh dấu."
        )
    upward = (
        PeriodicReport.objects.filter(unit=root).select_related(
            "period", "period__unit"
        )
        if root is not None
        else PeriodicReport.objects.none()
    )
    return render(
        request,
        "reports/admin/periods.html",
        {
            "periods": owned.select_related("unit")[:100],
            "form": form,
            "upward": upward,
            "root": root,
            "heading": "Báo cáo định kỳ",
        },
        status=400 if request.method == "POST" else 200,
    )


def _owned_period(root, pk):
    queryset = ReportPeriod.objects.all()
    if root is not None:
        queryset = queryset.filter(unit=root)
    return get_object_or_404(queryset, pk=pk)


@officer_view
def period_detail(request, pk, root):
    period = _owned_period(root, pk)
    return render(
        request,
        "reports/admin/period_detail.html",
        {
            "period": period,
            "summary": services.consolidate(period),
            "return_form": ReturnForm(),
            "statuses": ReportStatus,
            "heading": str(period),
        },
    )


@officer_view
@require_POST
def review(request, pk, root):
    report = get_object_or_404(PeriodicReport.objects.select_related("period"), pk=pk)
    if root is not None and report.period.unit_id != root.pk:
        return _refused(request, scope.OUTSIDE)
    actor = request.user.get_full_name() or request.user.get_username()
    try:
        if request.POST.get("action") == "approve":
            services.set_status(report, ReportStatus.APPROVED, actor=actor)
            messages.success(request, f"Đã duyệt báo cáo của {report.unit}.")
        else:
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Hãy ghi lý do trả lại để đơn vị sửa.")
                return redirect("reports_period", pk=report.period_id)
            services.set_status(
                report,
                ReportStatus.RETURNED,
                actor=actor,
                note=form.cleaned_data["reason"],
            )
            messages.success(request, f"Đã trả lại báo cáo của {report.unit}.")
    except TransitionError as refusal:
        messages.error(request, str(refusal))
    return redirect("reports_period", pk=report.period_id)


@officer_view
def own_report(request, pk, root):
    """A district's (or province's) own report to the level above: the same
    form a commune fills, from the platform admin."""
    queryset = PeriodicReport.objects.select_related("period", "unit")
    if root is not None:
        queryset = queryset.filter(unit=root)
    report = get_object_or_404(queryset, pk=pk)
    from .views_unit import report_form_response

    return report_form_response(request, report, back="reports_periods")
