"""reports' public surface: evaluate the plan's indicators for a subtree and
a period, the plan in force for a unit, and the periodic report workflow."""

import dataclasses
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import registry
from .models import PeriodicReport, Plan, ReportPeriod
from .pipeline import EDITABLE, REPORT, ReportStatus

MET, BEHIND, MISSED, NO_TARGET, NOT_APPLICABLE = (
    "Đạt",
    "Đang thực hiện",
    "Chưa đạt",
    "Không có chỉ tiêu",
    "Không áp dụng",
)


@dataclasses.dataclass
class Part:
    """One unit's (or one child's) share of an indicator."""

    unit: object
    numerator: float
    denominator: float
    is_percent: bool

    @property
    def value(self):
        if not self.is_percent:
            return self.numerator
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclasses.dataclass
class Row:
    indicator: registry.Indicator
    numerator: float
    denominator: float
    target: object  # Target or None
    status: str
    by_child: list
    laggards: list

    @property
    def value(self):
        if not self.indicator.is_percent:
            return round(self.numerator, 2)
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)

    @property
    def target_value(self):
        return float(self.target.value) if self.target else None


def plan_for(unit):
    """The active plan of the unit or of the nearest unit above with one."""
    chain = [unit, *reversed(unit.ancestors())]
    plans = {
        p.unit_id: p
        for p in Plan.objects.filter(unit__in=chain, is_active=True).prefetch_related(
            "targets"
        )
    }
    return next((plans[u.pk] for u in chain if u.pk in plans), None)


def target_for(plan, key, period):
    """The target in force for the period: the first deadline on or after the
    period's start (yearly targets: the one of the period's year), else the
    last one."""
    if not plan:
        return None
    targets = sorted(
        (t for t in plan.targets.all() if t.indicator == key), key=lambda t: t.deadline
    )
    for target in targets:
        if target.yearly:
            if target.deadline.year == period.year:
                return target
            continue
        if target.deadline >= period.start:
            return target
    return targets[-1] if targets else None


def _status(value, denominator, target, period, is_percent):
    if is_percent and not denominator:
        return NOT_APPLICABLE
    if target is None:
        return NO_TARGET
    if value is not None and Decimal(str(value)) >= target.value:
        return MET
    return MISSED if target.deadline <= period.end else BEHIND


def evaluate(root, period, *, plan=None, subtree=None, keys=None, laggards=8):
    """Every indicator (or ``keys``) for ``root``'s subtree and ``period``."""
    subtree = subtree or registry.Subtree(root)
    plan = plan if plan is not None else plan_for(root)
    rows = []
    for indicator in registry.indicators():
        if keys is not None and indicator.key not in keys:
            continue
        per_unit = indicator.compute(subtree, period)
        pct = indicator.is_percent
        num = sum(n for n, _ in per_unit.values())
        den = sum(d for _, d in per_unit.values())
        children = {}
        for unit_id, (n, d) in per_unit.items():
            child = subtree.child_of(unit_id) or subtree.by_id.get(unit_id)
            if child is None:
                continue
            part = children.setdefault(child.pk, Part(child, 0, 0, pct))
            part.numerator += n
            part.denominator += d
        order = subtree.position
        by_child = sorted(children.values(), key=lambda p: order.get(p.unit.pk, 0))
        target = target_for(plan, indicator.key, period)
        value = (100 * num / den if den else None) if pct else num
        lag = []
        if pct and laggards:
            bar = float(target.value) if target else 100.0
            # (value, path) of every unit under the bar, sorted; the Parts are
            # built for the few shown only.
            under = []
            for unit_id, (n, d) in per_unit.items():
                unit = subtree.by_id.get(unit_id)
                if d and unit is not None:
                    part_value = round(100 * n / d, 1)
                    if part_value < bar:
                        under.append((part_value, unit.path, unit, n, d))
            under.sort(key=lambda item: item[:2])
            lag = [Part(unit, n, d, True) for _, _, unit, n, d in under[:laggards]]
        rows.append(
            Row(
                indicator=indicator,
                numerator=num,
                denominator=den,
                target=target,
                status=_status(value, den, target, period, pct),
                by_child=by_child,
                laggards=lag,
            )
        )
    return rows


# --- periodic reports ------------------------------------------------------------


def reporting_units(unit):
    """The units a period of ``unit`` asks a report of: its direct children,
    departments excepted."""
    from tenants.models import UnitKind

    return unit.children.exclude(kind__in=(UnitKind.DEPARTMENT, UnitKind.PLATFORM))


PREFILLED = (
    "websites_active",
    "boards_communes",
    "speakers_hamlets",
    "stations_converted",
    "bulletins_received",
    "bulletins_used",
    "feedback_handled",
    "questions_answered",
    "broadcast_hours",
    "propagandists_hamlets",
)


def platform_figures(unit, period):
    """{key: {label, value, numerator, denominator}} the form is pre-filled with."""
    out = {}
    for row in evaluate(unit, period, keys=PREFILLED, plan=False, laggards=0):
        out[row.indicator.key] = {
            "label": row.indicator.label,
            "value": row.value,
            "numerator": row.numerator,
            "denominator": row.denominator,
            "percent": row.indicator.is_percent,
        }
    return out


def open_period(*, unit, title, starts_on, ends_on, deadline, actor="", **extra):
    """A report period of ``unit`` and one pending report per unit below."""
    with transaction.atomic():
        period = ReportPeriod.objects.create(
            unit=unit,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            deadline=deadline,
            created_by_name=actor,
            **extra,
        )
        PeriodicReport.objects.bulk_create(
            PeriodicReport(period=period, unit=child) for child in reporting_units(unit)
        )
    return period


def report_period(report):
    return registry.Period(report.period.starts_on, report.period.ends_on)


def prefill(report):
    """Refresh the computed figures of an editable report (typed figures kept)."""
    computed = platform_figures(report.unit, report_period(report))
    report.computed = computed
    figures = dict(report.figures or {})
    for key, item in computed.items():
        figures.setdefault(key, item["value"])
    report.figures = figures
    return report


def set_status(report, new, *, actor="", note=""):
    """The one place a report changes status (``pipeline.REPORT``): the fields
    each step writes, then the pipeline's check, history and signal."""
    new = ReportStatus(new)
    REPORT.check(report.status, new)  # a repeated move is refused too
    now = timezone.now()
    changes = {}
    if new == ReportStatus.SUBMITTED:
        changes = {
            "submitted_at": now,
            "submitted_by": actor,
            "is_late": timezone.localdate() > report.period.deadline,
            "return_reason": "",
        }
    elif new == ReportStatus.APPROVED:
        changes = {"reviewed_at": now, "reviewed_by": actor}
    elif new == ReportStatus.RETURNED:
        changes = {"reviewed_at": now, "reviewed_by": actor, "return_reason": note}
    REPORT.set_status(report, new, changes=changes, actor=actor, note=note)
    return report


def is_editable(report):
    return report.status in EDITABLE


def consolidate(period):
    """The requesting unit's view of a period: each unit's report, and the sum
    of the submitted/approved figures (what the unit sends up)."""
    reports = list(period.reports.select_related("unit").order_by("unit__path"))
    totals = {}
    for report in reports:
        if report.status not in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
            continue
        for key, item in (report.computed or {}).items():
            t = totals.setdefault(
                key,
                {
                    "label": item["label"],
                    "numerator": 0,
                    "denominator": 0,
                    "percent": item["percent"],
                },
            )
            t["numerator"] += item["numerator"] or 0
            t["denominator"] += item["denominator"] or 0
    for t in totals.values():
        if t["percent"]:
            t["value"] = (
                round(100 * t["numerator"] / t["denominator"], 1)
                if t["denominator"]
                else None
            )
        else:
            t["value"] = round(t["numerator"], 2)
    counts = {s.value: 0 for s in ReportStatus}
    for report in reports:
        counts[report.status] += 1
    late = sum(1 for r in reports if r.is_late or r.is_overdue)
    return {"reports": reports, "totals": totals, "counts": counts, "late": late}
