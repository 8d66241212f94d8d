"""The indicator registry: each app that owns data registers small providers
in its ``indicators.py`` (imported from its ``AppConfig.ready``), the way
Wagtail apps register settings; ``reports`` only collects and evaluates.

A provider receives a ``Subtree`` (the units of one officer's scope, loaded
once) and a ``Period`` and returns ``{unit_id: (numerator, denominator)}``
for the units it is measured on. Percent indicators sum both sides over the
subtree; count indicators use the numerator alone (denominator 0).
"""

import dataclasses
import datetime
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings

from tenants.models import COMMUNE_KINDS, Unit, UnitKind

PERCENT, COUNT, HOURS = "percent", "count", "hours"

# Indicator groups: one sheet of the annual report each, in this order.
GROUPS = {
    "infrastructure": "Hạ tầng thông tin cơ sở",
    "radio": "Truyền thanh cơ sở",
    "source": "Hệ thống thông tin nguồn",
    "citizens": "Tương tác với người dân",
    "people": "Đội ngũ làm công tác thông tin cơ sở",
}


@dataclasses.dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    group: str
    kind: str
    compute: Callable
    owner: str
    # What the denominator counts ("xã, phường, thị trấn"), for the tables.
    measured_on: str = ""
    order: int = 100
    help: str = ""

    @property
    def group_label(self):
        return GROUPS[self.group]

    @property
    def is_percent(self):
        return self.kind == PERCENT


_REGISTRY: dict[str, Indicator] = {}


def register(key, *, label, group, kind=PERCENT, measured_on="", order=100, help=""):
    """Decorator: ``@register("websites_active", label=..., group=...)``."""
    if group not in GROUPS:
        raise ValueError(f"unknown indicator group {group!r}")

    def decorate(func):
        owner = func.__module__.split(".")[0]
        existing = _REGISTRY.get(key)
        if existing is not None and existing.owner != owner:
            raise ValueError(f"indicator {key!r} is already registered by {owner}")
        _REGISTRY[key] = Indicator(
            key=key,
            label=label,
            group=group,
            kind=kind,
            compute=func,
            owner=owner,
            measured_on=measured_on,
            order=order,
            help=help,
        )
        return func

    return decorate


def indicators():
    """Every registered indicator, by group then order."""
    group_rank = {g: i for i, g in enumerate(GROUPS)}
    return sorted(
        _REGISTRY.values(), key=lambda i: (group_rank[i.group], i.order, i.key)
    )


def get(key):
    return _REGISTRY[key]


# --- periods ---------------------------------------------------------------------


def local_tz():
    return ZoneInfo(settings.TIME_ZONE)


@dataclasses.dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` inclusive, in Vietnam's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def report_year(cls, year, cutoff_day=15, cutoff_month=12):
        """The annual report's figures: from 15/12 of the previous year to the
        end of 14/12 of the report year (QĐ of each plan; same in ST, TV, VL)."""
        end = datetime.date(year, cutoff_month, cutoff_day) - datetime.timedelta(1)
        return cls(datetime.date(year - 1, cutoff_month, cutoff_day), end)

    @property
    def start_dt(self):
        return datetime.datetime.combine(self.start, datetime.time(), local_tz())

    @property
    def end_dt(self):
        """Exclusive end: midnight after the last day."""
        day = self.end + datetime.timedelta(1)
        return datetime.datetime.combine(day, datetime.time(), local_tz())

    @property
    def year(self):
        return self.end.year

    def contains(self, moment):
        return self.start_dt <= moment < self.end_dt

    def __str__(self):
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


# --- the subtree -----------------------------------------------------------------


class Subtree:
    """An officer's units, loaded in one query: the root and all below it."""

    def __init__(self, root):
        self.root = root
        # Providers that share one query (e.g. play logs) keep it here.
        self.memo = {}
        units = list(root.descendants(include_self=True).order_by("path"))
        self.units = units
        self.by_id = {u.pk: u for u in units}
        self.ids = list(self.by_id)
        self.communes = [u for u in units if u.kind in COMMUNE_KINDS]
        self.commune_ids = [u.pk for u in self.communes]
        self.districts = [u for u in units if u.kind == UnitKind.DISTRICT]
        self.district_ids = [u.pk for u in self.districts]
        self.departments = [u for u in units if u.kind == UnitKind.DEPARTMENT]
        self.department_ids = [u.pk for u in self.departments]
        depth = root.path.count("/")
        self.children = [
            u for u in units if u.parent_id == root.pk and u.kind != UnitKind.DEPARTMENT
        ]
        by_code = {c.code: c for c in self.children}
        # Every unit below the root -> the root's child it is under (None for
        # a department, which is no child bar): one dict look-up per figure.
        self._child = {
            u.pk: by_code.get(u.path.split("/")[depth + 1])
            for u in units
            if u.pk != root.pk
        }
        self.position = {u.pk: i for i, u in enumerate(units)}

    def child_of(self, unit_id):
        """The root's direct child a unit belongs to (None for the root)."""
        return self._child.get(unit_id)


def all_units_queryset():
    return Unit.objects.exclude(kind=UnitKind.PLATFORM)
