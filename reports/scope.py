"""Who may see which units in "Đánh giá – Báo cáo".

Officers (``bulletins.OfficerProfile``, platform admin) see their unit's
subtree; a department's officers see the subtree of the province or district
it belongs to; a platform superuser sees everything. Units are looked up by
code only inside that subtree, so a code typed by hand never leaks a unit."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bulletins.services import officer_scope, reach
from tenants.models import Unit, UnitKind

from .registry import Period

OUTSIDE = "Đơn vị này không thuộc phạm vi quản lý của bạn."


def officer_root(user):
    """The unit whose subtree the user sees (None: every province)."""
    if not user.is_authenticated:
        raise PermissionDenied("Hãy đăng nhập.")
    return reach(officer_scope(user))


def visible_units(root):
    units = Unit.objects.exclude(kind=UnitKind.PLATFORM).exclude(schema_name="public")
    if root is None:
        return units
    return units.filter(structure=root.structure).filter(
        path__startswith=root.path + "/"
    ) | units.filter(pk=root.pk)


def unit_in_scope(root, code):
    """The unit with ``code`` inside the subtree, else PermissionDenied."""
    unit = visible_units(root).filter(code=code).first()
    if unit is None:
        raise PermissionDenied(OUTSIDE)
    return unit


def default_report_year(today=None):
    today = today or timezone.localdate()
    return today.year + 1 if (today.month, today.day) >= (12, 15) else today.year


def period_from(params):
    """(Period, error message or None) from ?nam= or ?tu=&den= (dd/mm/yyyy or
    ISO). Bad input falls back to the current report year with a message."""
    start, end = params.get("tu", "").strip(), params.get("den", "").strip()
    if start or end:
        try:
            first, last = _date(start), _date(end)
        except ValueError:
            return Period.report_year(default_report_year()), (
                "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ "
                "15/12/2024. Đang hiển thị kỳ báo cáo năm nay."
            )
        if last < first:
            return Period.report_year(default_report_year()), (
                "Ngày kết thúc trước ngày bắt đầu. Đang hiển thị kỳ báo cáo năm nay."
            )
        return Period(first, last), None
    year = params.get("nam", "").strip()
    if year:
        if not year.isdigit() or not 2000 <= int(year) <= default_report_year() + 1:
            return Period.report_year(default_report_year()), (
                f"Năm “{year}” không hợp lệ. Đang hiển thị kỳ báo cáo năm nay."
            )
        return Period.report_year(int(year)), None
    return Period.report_year(default_report_year()), None


def _date(text):
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
