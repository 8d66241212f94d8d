"""Spreadsheet import and export of the registries (openpyxl).

One workbook, one sheet per registry, the unit named by its code in the
first column. An import runs in one transaction: any bad row and nothing is
saved, and the report lists every bad row in Vietnamese (sheet, row, what
is wrong). Rows are matched on their natural key (unit + name), so
importing the same file twice changes nothing."""

import dataclasses
import io

from django.db import transaction
from django.utils import timezone

from tenants.models import Hamlet, HamletKind, Unit

from .models import (
    CommunicationCentre,
    LegacyStation,
    Propagandist,
    StationCondition,
    StationKind,
)

HAMLETS, STATIONS, PEOPLE, CENTRES = (
    "Ấp, khóm, tổ dân phố",
    "Đài truyền thanh",
    "Tuyên truyền viên",
    "Trung tâm truyền thông",
)
COLUMNS = {
    HAMLETS: ["Mã đơn vị", "Tên ấp/khóm", "Loại", "Số dân", "Số hộ"],
    STATIONS: [
        "Mã đơn vị",
        "Tên đài",
        "Loại",
        "Năm lắp đặt",
        "Tình trạng",
        "Năm dự kiến chuyển đổi",
        "Năm đã chuyển đổi",
    ],
    PEOPLE: ["Mã đơn vị", "Tên ấp/khóm", "Họ tên", "Điện thoại"],
    CENTRES: ["Mã đơn vị", "Tên trung tâm", "Năm thành lập", "Số người làm việc"],
}


@dataclasses.dataclass
class ImportReport:
    errors: list = dataclasses.field(default_factory=list)
    counts: dict = dataclasses.field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    def error(self, sheet, row, message):
        self.errors.append((sheet, row, message))

    def summary(self):
        parts = [f"{n} dòng “{sheet}”" for sheet, n in self.counts.items() if n]
        return "Đã nhập " + (", ".join(parts) if parts else "0 dòng") + "."

    def lines(self):
        return [f"Trang “{s}”, dòng {r}: {m}" for s, r, m in self.errors]


class RowError(ValueError):
    pass


def _text(value):
    return " ".join(str(value).split()) if value is not None else ""


def _number(value, label, *, year=False):
    if value is None or _text(value) == "":
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise RowError(f"“{label}” phải là số, không phải “{_text(value)}”.") from None
    if number < 0 or number != int(number):
        raise RowError(
            f"“{label}” phải là số nguyên không âm (đang là {_text(value)})."
        )
    number = int(number)
    if year:
        this_year = timezone.localdate().year
        if number > this_year:
            raise RowError(f"“{label}” {number} ở tương lai (năm nay là {this_year}).")
        if number < 1950:
            raise RowError(f"“{label}” {number} không hợp lệ.")
    return number


def _choice(value, choices, label):
    text = _text(value).lower()
    if not text:
        return None
    for key, name in choices:
        if text in (key, name.lower()):
            return key
    names = ", ".join(n for _, n in choices)
    raise RowError(f"“{label}” “{_text(value)}” không có trong danh mục ({names}).")


def import_registries(source, *, root, progress=None):
    """Import a workbook (path, bytes or file) for units in ``root``'s subtree.

    ``progress`` wraps the row iterator (the command passes tqdm)."""
    from openpyxl import load_workbook

    report = ImportReport()
    try:
        if isinstance(source, bytes):
            source = io.BytesIO(source)
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        report.error("—", 0, "Không đọc được tệp: hãy lưu lại dưới dạng Excel .xlsx.")
        return report
    known = [s for s in COLUMNS if s in book.sheetnames]
    if not known:
        report.error(
            "—", 0, "Tệp không có trang nào trong: " + ", ".join(COLUMNS) + "."
        )
        return report
    units = {
        u.code: u
        for u in Unit.objects.filter(structure=root.structure).filter(
            path__startswith=root.path
        )
        if u.path == root.path or u.path.startswith(root.path + "/")
    }
    rows = []
    for sheet in known:
        for number, values in enumerate(
            book[sheet].iter_rows(min_row=2, values_only=True), start=2
        ):
            if values and any(v not in (None, "") for v in values):
                rows.append((sheet, number, list(values) + [None] * 8))
    iterator = progress(rows) if progress else rows
    try:
        with transaction.atomic():
            seen = set()
            for sheet, number, values in iterator:
                try:
                    unit = units.get(_text(values[0]))
                    if unit is None:
                        raise RowError(
                            f"Mã đơn vị “{_text(values[0])}” không có hoặc không thuộc "
                            f"{root}."
                        )
                    key = (
                        sheet,
                        unit.pk,
                        _text(values[1]).lower(),
                        _text(values[2]).lower(),
                    )
                    if sheet != PEOPLE:
                        key = key[:3]
                    if key in seen:
                        raise RowError("Dòng trùng với một dòng phía trên.")
                    seen.add(key)
                    IMPORTERS[sheet](unit, values)
                    report.counts[sheet] = report.counts.get(sheet, 0) + 1
                except RowError as problem:
                    report.error(sheet, number, str(problem))
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.counts = {}
    return report


class _Rollback(Exception):
    pass


def _import_hamlet(unit, v):
    name = _text(v[1])
    if not name:
        raise RowError("Thiếu tên ấp/khóm.")
    kind = _choice(v[2], HamletKind.choices, "Loại") or HamletKind.AP
    Hamlet.objects.update_or_create(
        unit=unit,
        name=name,
        defaults={
            "kind": kind,
            "population": _number(v[3], "Số dân"),
            "households": _number(v[4], "Số hộ"),
        },
    )


def _import_station(unit, v):
    name = _text(v[1])
    if not name:
        raise RowError("Thiếu tên đài.")
    kind = _choice(v[2], StationKind.choices, "Loại")
    if kind is None:
        raise RowError("Thiếu loại đài (có dây hoặc FM).")
    installed = _number(v[3], "Năm lắp đặt", year=True)
    converted = _number(v[6], "Năm đã chuyển đổi", year=True)
    planned = _number(v[5], "Năm dự kiến chuyển đổi")
    if installed and converted and converted < installed:
        raise RowError("Năm đã chuyển đổi trước năm lắp đặt.")
    LegacyStation.objects.update_or_create(
        unit=unit,
        name=name,
        defaults={
            "kind": kind,
            "year_installed": installed,
            "condition": _choice(v[4], StationCondition.choices, "Tình trạng")
            or StationCondition.GOOD,
            "planned_conversion_year": planned,
            "converted_year": converted,
        },
    )


def _import_person(unit, v):
    hamlet_name, name = _text(v[1]), _text(v[2])
    if not name:
        raise RowError("Thiếu họ tên tuyên truyền viên.")
    hamlet = Hamlet.objects.filter(unit=unit, name__iexact=hamlet_name).first()
    if hamlet is None:
        raise RowError(
            f"Ấp/khóm “{hamlet_name}” chưa có trong danh mục của {unit} (thêm ở trang "
            f"“{HAMLETS}” trước)."
        )
    Propagandist.objects.update_or_create(
        hamlet=hamlet, name=name, defaults={"phone": _text(v[3])[:20]}
    )


def _import_centre(unit, v):
    name = _text(v[1])
    if not name:
        raise RowError("Thiếu tên trung tâm.")
    CommunicationCentre.objects.update_or_create(
        unit=unit,
        defaults={
            "name": name,
            "established_year": _number(v[2], "Năm thành lập", year=True),
            "staff": _number(v[3], "Số người làm việc"),
        },
    )


IMPORTERS = {
    HAMLETS: _import_hamlet,
    STATIONS: _import_station,
    PEOPLE: _import_person,
    CENTRES: _import_centre,
}


def export_registries(root):
    """The registries of ``root``'s subtree, in the import's own layout."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    ids = list(root.descendants(include_self=True).values_list("pk", flat=True))
    book = Workbook()
    book.remove(book.active)
    sheets = {}
    for name, headers in COLUMNS.items():
        sheet = book.create_sheet(name)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["B"].width = 32
        sheets[name] = sheet
    for h in Hamlet.objects.filter(unit_id__in=ids).select_related("unit"):
        sheets[HAMLETS].append(
            [h.unit.code, h.name, h.get_kind_display(), h.population, h.households]
        )
    for s in LegacyStation.objects.filter(unit_id__in=ids).select_related("unit"):
        sheets[STATIONS].append(
            [
                s.unit.code,
                s.name,
                s.get_kind_display(),
                s.year_installed,
                s.get_condition_display(),
                s.planned_conversion_year,
                s.converted_year,
            ]
        )
    for p in Propagandist.objects.filter(hamlet__unit_id__in=ids).select_related(
        "hamlet__unit"
    ):
        sheets[PEOPLE].append([p.hamlet.unit.code, p.hamlet.name, p.name, p.phone])
    for c in CommunicationCentre.objects.filter(unit_id__in=ids).select_related("unit"):
        sheets[CENTRES].append([c.unit.code, c.name, c.established_year, c.staff])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
