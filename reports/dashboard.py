"""What the dashboard and the annual report show: the evaluated rows, each
with its chart, grouped; one function so both always agree."""

from django.urls import reverse

from . import charts, registry, services
from .indicators import conversion_by_year


def _unit_href(unit, period, base=None):
    return (
        base or reverse("reports_dashboard")
    ) + f"?don-vi={unit.code}&tu={period.start:%d/%m/%Y}&den={period.end:%d/%m/%Y}"


def chart_bars(row):
    return [(p.unit.name, p.value, None) for p in row.by_child]


def build(root, period, *, with_charts=True, links=True):
    subtree = registry.Subtree(root)
    plan = services.plan_for(root)
    rows = services.evaluate(root, period, plan=plan, subtree=subtree)
    groups = {}
    base = reverse("reports_dashboard") if links else None
    for row in rows:
        if with_charts and row.by_child:
            bars = [
                (
                    p.unit.name,
                    p.value,
                    _unit_href(p.unit, period, base) if links else None,
                )
                for p in row.by_child
            ]
            row.chart = charts.bar_chart(
                bars,
                title=row.indicator.label,
                percent=row.indicator.is_percent,
                target=row.target_value if row.indicator.is_percent else None,
            )
        else:
            row.chart = None
        if links:
            for part in row.laggards:
                part.href = _unit_href(part.unit, period, base)
        groups.setdefault(row.indicator.group, []).append(row)
    conversion = None
    if with_charts:
        conversion = conversion_chart(subtree, plan, period)
    overview = (
        charts.bar_chart(
            [
                (r.indicator.label, r.value, None)
                for r in rows
                if r.indicator.is_percent and r.denominator
            ],
            title="Tổng hợp các chỉ tiêu (%)",
            label_w=470,
        )
        if with_charts
        else None
    )
    return {
        "root": root,
        "period": period,
        "plan": plan,
        "rows": rows,
        "groups": [
            (registry.GROUPS[key], items)
            for key in registry.GROUPS
            if (items := groups.get(key))
        ],
        "conversion_chart": conversion,
        "overview_chart": overview,
        "subtree": subtree,
    }


def conversion_series(subtree, plan, period):
    first = plan.year_from if plan else period.year - 4
    years = list(range(max(first, period.year - 9), period.year + 1))
    series = conversion_by_year(subtree, years)
    yearly = [
        (y, round(100 * n / total, 1) if total else 0)
        for y, (n, _, total) in series.items()
    ]
    cumulative = [
        (y, round(100 * done / total, 1) if total else 0)
        for y, (_, done, total) in series.items()
    ]
    return yearly, cumulative


def conversion_chart(subtree, plan, period):
    yearly, cumulative = conversion_series(subtree, plan, period)
    if not any(v for _, v in cumulative):
        return None
    band = None
    if plan:
        target = services.target_for(plan, "stations_converted_year", period)
        if target is not None:
            band = (float(target.value), float(target.value_max or target.value))
    return {
        "yearly": charts.line_chart(
            yearly, title="Tỷ lệ đài chuyển đổi trong từng năm", band=band
        ),
        "cumulative": charts.line_chart(
            cumulative, title="Tỷ lệ đài đã chuyển đổi (luỹ kế)"
        ),
    }
