"""Demo data for "Đánh giá – Báo cáo": the registries of every demo unit, the
province's departments, the plan of Sóc Trăng 2021–2025 (targets and
deadlines as written in /work/shared/corpus/ke-hoach-soc-trang-2021-2025-ocr.txt)
and a periodic report period with some communes' reports submitted.

Called by ``load_demo`` (``reports.demo.load_demo_reports``); idempotent.
"""

import datetime
import os
import random

from django.db import transaction
from django.utils import timezone

from tenants.models import COMMUNE_KINDS, Hamlet, UnitKind

from . import services
from .models import (
    CommunicationCentre,
    LegacyStation,
    Plan,
    Propagandist,
    ReportPeriod,
    Target,
    TrainingRecord,
)
from .pipeline import ReportStatus

PLAN_TITLE = (
    "Kế hoạch triển khai thực hiện Đề án “Nâng cao hiệu quả hoạt động thông tin cơ "
    "sở dựa trên ứng dụng công nghệ thông tin” giai đoạn 2021 – 2025 và định hướng "
    "đến năm 2030"
)
# (indicator, value, value_max, deadline, yearly, quote) from the plan (ST).
ST_TARGETS = [
    (
        "speakers_communes",
        100,
        None,
        "2025-12-31",
        False,
        "100% xã, phường, thị trấn có hệ thống truyền thanh hoạt động đến khóm, ấp, tổ "
        "dân phố, khu dân cư",
    ),
    (
        "speakers_hamlets",
        100,
        None,
        "2030-12-31",
        False,
        "Đến năm 2030, 100% khóm, ấp, tổ dân phố, khu dân cư có cụm loa "
        "ứng dụng CNTT-VT",
    ),
    (
        "websites_active",
        70,
        None,
        "2025-12-31",
        False,
        "70% xã, phường, thị trấn có trang thông tin điện tử của UBND cấp xã",
    ),
    (
        "websites_active",
        100,
        None,
        "2030-12-31",
        False,
        "Đến năm 2030, 100% xã, phường, thị trấn có trang thông tin điện tử",
    ),
    (
        "boards_communes",
        70,
        None,
        "2025-12-31",
        False,
        "100% phường, thị trấn và trên 70% xã có bảng tin điện tử công cộng",
    ),
    (
        "boards_communes",
        100,
        None,
        "2030-12-31",
        False,
        "Đến năm 2030, 100% UBND cấp xã có bảng tin điện tử công cộng",
    ),
    (
        "boards_districts",
        80,
        None,
        "2025-12-31",
        False,
        "100% thị xã, thành phố và trên 80% huyện có bảng tin điện tử công cộng cỡ lớn "
        "(màn hình LED, LCD) kết nối với Hệ thống thông tin nguồn của tỉnh",
    ),
    (
        "boards_districts",
        100,
        None,
        "2030-12-31",
        False,
        "Đến năm 2030, 100% UBND cấp huyện có bảng tin điện tử công cộng cỡ lớn",
    ),
    (
        "communication_centres",
        100,
        None,
        "2023-12-31",
        False,
        "Đến năm 2023, 100% huyện, thị xã, thành phố có cơ sở truyền thông cấp huyện",
    ),
    (
        "departments_connected",
        100,
        None,
        "2025-12-31",
        False,
        "100% các sở, ngành cấp tỉnh và cấp huyện kết nối chia sẻ thông tin thiết yếu",
    ),
    (
        "departments_supplying",
        100,
        None,
        "2025-12-31",
        False,
        "… chia sẻ thông tin thiết yếu thuộc lĩnh vực quản lý với Hệ thống thông tin "
        "nguồn của tỉnh",
    ),
    (
        "bulletins_received",
        100,
        None,
        "2025-12-31",
        False,
        "100% nội dung thông tin thiết yếu … được cung cấp trên hệ thống "
        "thông tin nguồn",
    ),
    (
        "bulletins_used",
        100,
        None,
        "2025-12-31",
        False,
        "100% thông tin thiết yếu từ hệ thống thông tin cơ sở được phổ biến "
        "đến người dân",
    ),
    (
        "bulletins_on_time",
        100,
        None,
        "2025-12-31",
        False,
        "Phản ánh nhanh nhạy (mức độ ưu tiên theo Thông tư 39/2020/TT-BTTTT)",
    ),
    (
        "feedback_handled",
        100,
        None,
        "2025-12-31",
        False,
        "100% ý kiến phản ánh của người dân … được tiếp nhận, xử lý trên hệ thống",
    ),
    (
        "feedback_on_time",
        100,
        None,
        "2025-12-31",
        False,
        "100% ý kiến phản ánh … được tiếp nhận, xử lý",
    ),
    (
        "questions_answered",
        100,
        None,
        "2025-12-31",
        False,
        "Tương tác với người dân trên trang thông tin điện tử",
    ),
    (
        "stations_converted",
        50,
        None,
        "2025-12-31",
        False,
        "50% đài truyền thanh cấp xã có dây/không dây FM được chuyển đổi sang truyền "
        "thanh ứng dụng CNTT-VT",
    ),
    (
        "stations_converted",
        100,
        None,
        "2030-12-31",
        False,
        "Đến năm 2030, 100% đài truyền thanh cấp xã chuyển đổi sang CNTT-VT",
    ),
    *[
        (
            "stations_converted_year",
            15,
            25,
            f"{year}-12-31",
            True,
            "mỗi năm từ 15 - 25% số đài truyền thanh có dây/không dây FM của tỉnh",
        )
        for year in range(2022, 2026)
    ],
    (
        "officials_trained",
        100,
        None,
        "2025-12-31",
        False,
        "100% cán bộ làm công tác thông tin cơ sở cấp huyện và cấp xã được đào tạo, "
        "bồi dưỡng trực tuyến",
    ),
    (
        "propagandists_hamlets",
        100,
        None,
        "2025-06-30",
        False,
        "(Vĩnh Long 2025) Bảo đảm mỗi ấp, khu vực có ít nhất 01 tuyên truyền "
        "viên cơ sở",
    ),
]

HAMLET_NAMES = [
    "Ấp Bình Thạnh",
    "Ấp Hòa Lợi",
    "Ấp Tân Thành",
    "Khóm 1",
    "Khóm 2",
    "Ấp Phú Hữu",
    "Ấp Mỹ Hòa",
]
PEOPLE = [
    "Nguyễn Văn Hùng",
    "Trần Thị Lan",
    "Lê Văn Phúc",
    "Thạch Sa Rươl",
    "Lâm Thị Sóc Khum",
    "Phạm Minh Tâm",
    "Danh Thị Hoa",
]
DEPARTMENTS = [
    ("S01", "Sở Thông tin và Truyền thông"),
    ("S02", "Sở Y tế"),
    ("S03", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("S04", "Sở Tài nguyên và Môi trường"),
]


def ensure_plan(province):
    plan, _ = Plan.objects.get_or_create(
        unit=province,
        title=PLAN_TITLE,
        defaults={
            "reference": "Dự thảo 2022 (tỉnh Sóc Trăng)",
            "year_from": 2021,
            "year_to": 2030,
            "report_day": 15,
            "report_month": 12,
        },
    )
    if not plan.targets.exists():
        Target.objects.bulk_create(
            Target(
                plan=plan,
                indicator=key,
                value=value,
                value_max=high,
                deadline=datetime.date.fromisoformat(deadline),
                yearly=yearly,
                quote=quote,
            )
            for key, value, high, deadline, yearly, quote in ST_TARGETS
        )
    return plan


def fill_commune(unit, rng, *, year, hamlets=None):
    """Hamlets, legacy stations, propagandists and training of one commune."""
    count = hamlets or rng.randint(3, 6)
    made = []
    for index, name in enumerate(HAMLET_NAMES[:count]):
        hamlet, _ = Hamlet.objects.get_or_create(
            unit=unit,
            name=name,
            defaults={
                "kind": "khom" if name.startswith("Khóm") else "ap",
                "population": rng.randint(900, 4200),
                "households": rng.randint(250, 1100),
            },
        )
        made.append(hamlet)
        if rng.random() < 0.8 and not hamlet.propagandists.exists():
            Propagandist.objects.create(
                hamlet=hamlet,
                name=PEOPLE[(index + unit.pk) % len(PEOPLE)],
                phone=f"09{rng.randint(10000000, 99999999)}",
            )
    for index, kind in enumerate(("wired", "fm", "fm")[: rng.randint(1, 3)]):
        installed = rng.randint(2008, year - 2)
        converted = rng.choice([None, None, min(year, installed + rng.randint(3, 12))])
        if converted is not None and converted < 2021:
            converted = None
        LegacyStation.objects.get_or_create(
            unit=unit,
            name=f"Đài {'có dây' if kind == 'wired' else 'FM'} số {index + 1}",
            defaults={
                "kind": kind,
                "year_installed": installed,
                "condition": rng.choice(["good", "degraded", "broken"]),
                "planned_conversion_year": rng.randint(year, year + 3)
                if converted is None
                else None,
                "converted_year": converted,
            },
        )
    officials = rng.randint(2, 5)
    TrainingRecord.objects.get_or_create(
        unit=unit,
        year=year,
        defaults={
            "officials": officials,
            "trained": rng.randint(1, officials),
            "trained_online": 1,
        },
    )
    return made


def ensure_departments(province, rng):
    from tenants.models import Unit
    from tenants.services import create_unit

    made = []
    for code, name in DEPARTMENTS:
        full_code = f"{province.code}{code}"
        unit = Unit.objects.filter(structure=province.structure, code=full_code).first()
        if unit is None:
            unit = create_unit(
                code=full_code,
                name=name,
                name_with_type=f"{name} tỉnh {province.name}",
                kind=UnitKind.DEPARTMENT,
                structure=province.structure,
                parent=province,
                provision=False,
            )
        made.append(unit)
    return made


def department_officers(departments):
    """Officers of the first departments (the last one is not connected yet)."""
    from django.contrib.auth import get_user_model

    from bulletins.models import OfficerProfile

    User = get_user_model()
    for index, unit in enumerate(departments[:-1]):
        username = f"so{index + 1}-{unit.parent.code}"
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": f"Cán bộ {unit.name}"}
        )
        if created:
            user.set_password(os.environ.get("DEMO_PASSWORD", "ttcs-demo-2025"))
            user.save()
        OfficerProfile.objects.get_or_create(
            user=user, defaults={"unit": unit, "role": "approver"}
        )


def open_demo_period(district, year):
    title = f"Báo cáo kết quả thông tin cơ sở năm {year}"
    period = ReportPeriod.objects.filter(unit=district, title=title).first()
    if period is not None:
        return period
    period = services.open_period(
        unit=district,
        title=title,
        starts_on=datetime.date(year - 1, 12, 15),
        ends_on=datetime.date(year, 12, 14),
        deadline=datetime.date(year, 12, 10),
        remind_days=7,
        actor="Dữ liệu mẫu",
    )
    for index, report in enumerate(period.reports.select_related("unit", "period")):
        if index == 0:
            services.prefill(report)
            report.results = (
                "Duy trì trang thông tin điện tử, bảng tin và cụm loa các ấp; tuyên "
                "truyền phòng chống hạn, mặn và sốt xuất huyết."
            )
            report.difficulties = (
                "Một số đài FM xuống cấp, kinh phí chuyển đổi hạn chế."
            )
            report.proposals = (
                "Đề nghị hỗ trợ kinh phí chuyển đổi 02 đài FM trong năm tới."
            )
            report.save()
            services.set_status(report, ReportStatus.SUBMITTED, actor="Biên tập viên")
    return period


@transaction.atomic
def load_demo_reports(province, units, *, seed=2025):
    """Everything the demo province needs to show every indicator."""
    from broadcast import services as broadcast_services

    rng = random.Random(seed)
    year = timezone.localdate().year
    ensure_plan(province)
    for unit in units:
        if unit.kind in COMMUNE_KINDS:
            fill_commune(unit, rng, year=year)
            broadcast_services.link_hamlets(unit)
        elif unit.kind == UnitKind.DISTRICT:
            CommunicationCentre.objects.get_or_create(
                unit=unit,
                defaults={
                    "name": f"Trung tâm Văn hoá – Thông tin – Thể thao – Truyền "
                    f"thanh {unit.name}",
                    "established_year": 2019,
                    "staff": 12,
                },
            )
    departments = ensure_departments(province, rng)
    department_officers(departments)
    districts = [u for u in units if u.kind == UnitKind.DISTRICT]
    for district in districts[:1] or [province]:
        open_demo_period(district, year)
    return departments
