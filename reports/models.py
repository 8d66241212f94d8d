"""Registries the plan targets are counted against, the plans themselves,
and the periodic reports sent up the hierarchy (all in the public schema).

Registries: legacy radio stations (``LegacyStation``), propagandists per
hamlet (``Propagandist``, hamlets are ``tenants.Hamlet``), the district
communication centre (``CommunicationCentre``) and officials trained
(``TrainingRecord``, typed until training records exist elsewhere).

A ``Plan`` belongs to a province (kế hoạch) and holds ``Target`` rows: one
indicator key (``reports.registry``), a value and a deadline. A
``ReportPeriod`` is what a district or province asks of the units directly
below it; each of those units has one ``PeriodicReport`` moving through
``reports.pipeline``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .choices import ReportStatus


def this_year():
    return timezone.localdate().year


class StationKind(models.TextChoices):
    WIRED = "wired", "Truyền thanh có dây"
    FM = "fm", "Truyền thanh không dây (FM)"


class StationCondition(models.TextChoices):
    GOOD = "good", "Hoạt động tốt"
    DEGRADED = "degraded", "Xuống cấp"
    BROKEN = "broken", "Hư hỏng"
    STOPPED = "stopped", "Ngừng hoạt động"


class LegacyStation(models.Model):
    """A commune's wired or FM radio station, to be converted to IP radio
    (15–25 % a year, oldest and broken first)."""

    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="legacy_stations",
    )
    name = models.CharField("tên đài", max_length=200)
    kind = models.CharField("loại", max_length=8, choices=StationKind.choices)
    year_installed = models.PositiveSmallIntegerField(
        "năm lắp đặt",
        null=True,
        blank=True,
        validators=[MinValueValidator(1950)],
    )
    condition = models.CharField(
        "tình trạng",
        max_length=10,
        choices=StationCondition.choices,
        default=StationCondition.GOOD,
    )
    planned_conversion_year = models.PositiveSmallIntegerField(
        "năm dự kiến chuyển đổi", null=True, blank=True
    )
    converted_year = models.PositiveSmallIntegerField(
        "năm đã chuyển đổi sang truyền thanh CNTT-VT", null=True, blank=True
    )
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "đài truyền thanh có dây/FM"
        verbose_name_plural = "đài truyền thanh có dây/FM"
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"], name="unique_station_name_per_unit"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        year = this_year()
        errors = {}
        for field in ("year_installed", "converted_year"):
            value = getattr(self, field)
            if value and value > year:
                errors[field] = f"Năm {value} ở tương lai (năm nay là {year})."
        if (
            self.year_installed
            and self.converted_year
            and self.converted_year < self.year_installed
        ):
            errors["converted_year"] = "Năm chuyển đổi trước năm lắp đặt."
        if errors:
            raise ValidationError(errors)

    @property
    def age(self):
        return this_year() - self.year_installed if self.year_installed else None


class Propagandist(models.Model):
    """A tuyên truyền viên cơ sở of a hamlet (at least one per hamlet)."""

    hamlet = models.ForeignKey(
        "tenants.Hamlet",
        verbose_name="ấp/khóm/tổ dân phố",
        on_delete=models.CASCADE,
        related_name="propagandists",
    )
    name = models.CharField("họ tên", max_length=150)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    since = models.DateField("bắt đầu từ", null=True, blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "tuyên truyền viên cơ sở"
        verbose_name_plural = "tuyên truyền viên cơ sở"
        ordering = ["hamlet__unit__path", "hamlet__name", "name"]

    def __str__(self):
        return self.name


class CommunicationCentre(models.Model):
    """The district's communication centre (cơ sở truyền thông cấp huyện,
    often "Trung tâm Văn hoá – Thông tin – Thể thao – Truyền thanh")."""

    unit = models.OneToOneField(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="communication_centre",
    )
    name = models.CharField("tên trung tâm", max_length=255)
    established_year = models.PositiveSmallIntegerField(
        "năm thành lập", null=True, blank=True
    )
    staff = models.PositiveSmallIntegerField("số người làm việc", null=True, blank=True)
    is_operating = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "trung tâm truyền thông cấp huyện"
        verbose_name_plural = "trung tâm truyền thông cấp huyện"

    def __str__(self):
        return self.name


class TrainingRecord(models.Model):
    """Officials of a unit doing grassroots information work, and how many
    were trained in a year (typed by the unit until training records exist)."""

    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="training_records",
    )
    year = models.PositiveSmallIntegerField("năm")
    officials = models.PositiveSmallIntegerField("số cán bộ làm công tác TTCS")
    trained = models.PositiveSmallIntegerField("số cán bộ đã được bồi dưỡng, tập huấn")
    trained_online = models.PositiveSmallIntegerField(
        "trong đó tập huấn trực tuyến", default=0
    )

    class Meta:
        verbose_name = "bồi dưỡng, tập huấn cán bộ"
        verbose_name_plural = "bồi dưỡng, tập huấn cán bộ"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], name="unique_training_per_unit_year"
            )
        ]

    def clean(self):
        if self.trained is not None and self.officials is not None:
            if self.trained > self.officials:
                raise ValidationError(
                    {"trained": "Số cán bộ đã tập huấn lớn hơn tổng số cán bộ."}
                )


# --- plans and targets ---------------------------------------------------------


class Plan(models.Model):
    """A province's (or district's) plan: its targets per indicator."""

    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị ban hành",
        on_delete=models.CASCADE,
        related_name="plans",
    )
    title = models.CharField("tên kế hoạch", max_length=300)
    reference = models.CharField("số, ký hiệu", max_length=100, blank=True)
    year_from = models.PositiveSmallIntegerField("từ năm")
    year_to = models.PositiveSmallIntegerField("đến năm")
    report_day = models.PositiveSmallIntegerField(
        "ngày hạn báo cáo hằng năm",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    report_month = models.PositiveSmallIntegerField(
        "tháng hạn báo cáo",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    is_active = models.BooleanField("đang áp dụng", default=True)

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-is_active", "-year_to"]

    def __str__(self):
        return self.title

    def report_deadline(self, year):
        return datetime.date(year, self.report_month, self.report_day)


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField("chỉ tiêu", max_length=64)
    value = models.DecimalField("mục tiêu", max_digits=8, decimal_places=2)
    # Yearly targets (e.g. 15–25 % of stations converted each year) have a
    # range; one-off targets have one value and a deadline.
    value_max = models.DecimalField(
        "mục tiêu tối đa", max_digits=8, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField("thời hạn")
    yearly = models.BooleanField("chỉ tiêu hằng năm", default=False)
    quote = models.CharField("trích kế hoạch", max_length=500, blank=True)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["indicator", "deadline"]

    def __str__(self):
        return f"{self.indicator}: {self.value} ({self.deadline:%d/%m/%Y})"


# --- periodic reports ------------------------------------------------------------


class ReportPeriod(models.Model):
    """A report a district or province asks of the units directly below it."""

    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị yêu cầu",
        on_delete=models.CASCADE,
        related_name="report_periods",
    )
    title = models.CharField("tên kỳ báo cáo", max_length=255)
    starts_on = models.DateField("số liệu từ ngày")
    ends_on = models.DateField("số liệu đến hết ngày")
    deadline = models.DateField("hạn nộp")
    remind_days = models.PositiveSmallIntegerField("nhắc trước hạn (ngày)", default=5)
    parent_period = models.ForeignKey(
        "self",
        verbose_name="phục vụ kỳ báo cáo của cấp trên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sub_periods",
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["-deadline"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Ngày kết thúc trước ngày bắt đầu."})


class PeriodicReport(models.Model):
    """One unit's report for one period: figures pre-filled from the
    platform, the rest typed, then submitted and reviewed."""

    period = models.ForeignKey(
        ReportPeriod, on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị báo cáo",
        on_delete=models.CASCADE,
        related_name="periodic_reports",
    )
    status = models.CharField(
        "trạng thái",
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.NOT_SUBMITTED,
        editable=False,
        db_index=True,
    )
    # {indicator key: value} computed when the form is opened; the unit may
    # correct a figure, the computed one stays in ``computed``.
    figures = models.JSONField("số liệu", default=dict, blank=True)
    computed = models.JSONField(default=dict, blank=True, editable=False)
    results = models.TextField("kết quả đạt được", blank=True)
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True)
    proposals = models.TextField("đề xuất, kiến nghị", blank=True)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_by = models.CharField("người nộp", max_length=150, blank=True)
    is_late = models.BooleanField("nộp trễ hạn", default=False)
    reviewed_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    reviewed_by = models.CharField("người duyệt", max_length=150, blank=True)
    return_reason = models.TextField("lý do trả lại", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "báo cáo định kỳ"
        verbose_name_plural = "báo cáo định kỳ"
        ordering = ["period", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"], name="unique_report_per_period_unit"
            )
        ]

    def __str__(self):
        return f"{self.period} – {self.unit}"

    @property
    def is_overdue(self):
        return (
            self.status in (ReportStatus.NOT_SUBMITTED, ReportStatus.RETURNED)
            and timezone.localdate() > self.period.deadline
        )


class ReportTransition(models.Model):
    report = models.ForeignKey(
        PeriodicReport, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    actor = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class ReportReminder(models.Model):
    """A reminder sent for a report: shown in the unit's admin and e-mailed.
    One per report and day, so beat running twice sends nothing twice."""

    report = models.ForeignKey(
        PeriodicReport, on_delete=models.CASCADE, related_name="reminders"
    )
    day = models.DateField()
    message = models.CharField(max_length=500)
    emailed_to = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "day"], name="unique_reminder_per_report_day"
            )
        ]
