"""The "Đánh giá – Báo cáo" dashboard on the platform admin (officers see
only their subtree), the annual report (XLSX figures equal the dashboard's,
the DOCX opens) and the plan's targets edited by the province."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.management import call_command

from reports import dashboard, exports
from reports.models import CommunicationCentre, Plan, Target
from reports.registry import Period
from tests.factories import reports as f
from tests.factories.bulletins import make_officer
from tests.utils import admin_client

pytestmark = pytest.mark.django_db

YEAR = 2025
INSIDE = f.at("2025-06-01")


@pytest.fixture
def known(tree):
    plan = Plan.objects.create(
        unit=tree.province, title="Kế hoạch thử nghiệm", year_from=2021, year_to=2030
    )
    Target.objects.create(
        plan=plan,
        indicator="boards_communes",
        value=70,
        deadline=datetime.date(2025, 12, 31),
    )
    Target.objects.create(
        plan=plan,
        indicator="communication_centres",
        value=100,
        deadline=datetime.date(2023, 12, 31),
    )
    f.make_board(tree.commune_a1, paired=INSIDE)
    f.make_board(tree.commune_b1, paired=INSIDE)
    CommunicationCentre.objects.create(unit=tree.district_a, name="Trung tâm An Phú")
    h = f.make_hamlet(tree.commune_a1, "Ấp 1")
    f.make_cluster(tree.commune_a1, h, created=INSIDE)
    return plan


def platform(user):
    return admin_client(settings.BASE_DOMAIN, user)


def value_cell(html, key):
    match = re.search(rf'data-indicator="{key}">.*?data-value="([^"]*)"', html, re.S)
    return match.group(1)


def test_province_officer_sees_each_indicator_with_target_chart_and_laggards(
    tree, known
):
    response = platform(make_officer(tree.province)).get(
        "/admin/danh-gia-bao-cao/", {"nam": YEAR}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "15/12/2024 – 14/12/2025" in html
    # boards: 2 of 3 communes, target 70 % by 31/12/2025.
    assert value_cell(html, "boards_communes") == "66.7"
    assert "31/12/2025" in html
    assert html.count('<svg class="rp-chart"') >= 5
    # The district without a centre pulls it down and links to its figures.
    assert "?don-vi=902&amp;tu=15/12/2024&amp;den=14/12/2025" in html
    assert "Chưa đạt" in html


def test_district_officer_sees_only_its_subtree(tree, known):
    client = platform(make_officer(tree.district_a))
    own = client.get("/admin/danh-gia-bao-cao/", {"nam": YEAR}).content.decode()
    assert value_cell(own, "boards_communes") == "50.0"  # 1 of its 2 communes
    assert "Xã Bình Lợi" not in own
    below = client.get("/admin/danh-gia-bao-cao/", {"don-vi": "90101", "nam": YEAR})
    assert below.status_code == 200
    for code in ("90201", "902", "90"):
        refused = client.get("/admin/danh-gia-bao-cao/", {"don-vi": code})
        assert refused.status_code == 403
        assert "không thuộc phạm vi quản lý" in refused.content.decode()
    download = client.get(
        "/admin/danh-gia-bao-cao/tai-ve/",
        {"don-vi": "90201", "nam": YEAR, "dinh-dang": "xlsx"},
    )
    assert download.status_code == 403


def test_a_user_without_an_officer_profile_is_refused(tree, known):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("khach", password="matkhau-123")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = platform(user).get("/admin/danh-gia-bao-cao/")
    assert response.status_code == 403
    assert "chưa được gắn với đơn vị" in response.content.decode()


def test_bad_period_input_gets_a_vietnamese_message_not_a_500(tree, known):
    client = platform(make_officer(tree.province))
    for params in (
        {"nam": "hai nghìn"},
        {"tu": "31/02/2025", "den": "x"},
        {"tu": "14/12/2025", "den": "15/12/2024"},
    ):
        response = client.get("/admin/danh-gia-bao-cao/", params, follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        assert "không hợp lệ" in text or "trước ngày bắt đầu" in text


def test_annual_report_xlsx_figures_equal_the_dashboards(tree, known, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "bao-cao.xlsx"
    call_command("annual_report", unit="90", year=YEAR, output=str(out), structure=2020)
    book = load_workbook(out)
    shown = dashboard.build(tree.province, Period.report_year(YEAR))
    expected = {r.indicator.key: r.value for r in shown["rows"]}
    found = {}
    for sheet in book.worksheets[1:]:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row and row[0] in expected:
                found[row[0]] = row[3]
    assert found == expected
    assert found["boards_communes"] == pytest.approx(66.7)
    assert "Hạ tầng thông tin cơ sở" in book.sheetnames


def test_annual_report_docx_opens_with_the_administrative_layout(tree, known, tmp_path):
    import docx

    out = tmp_path / "bao-cao.docx"
    call_command("annual_report", unit="90", year=YEAR, output=str(out), structure=2020)
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    header = " ".join(c.text for row in document.tables[0].rows for c in row.cells)
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
    assert "Độc lập – Tự do – Hạnh phúc" in header
    assert "Số: ……/BC-UBND" in header
    for heading in ("I. KẾT QUẢ", "II. ĐƠN VỊ CHƯA ĐẠT", "III. KHÓ KHĂN"):
        assert heading in text
    assert "15/12/2024 đến hết ngày 14/12/2025" in text
    assert len(document.inline_shapes) >= 1  # a chart as an image
    assert any(
        "Bảng tin" in c.text or "bảng tin" in c.text
        for t in document.tables[1:]
        for r in t.rows
        for c in r.cells
    )


def test_annual_download_from_the_admin(tree, known):
    client = platform(make_officer(tree.province))
    for fmt, magic in (("xlsx", b"PK"), ("docx", b"PK")):
        response = client.get(
            "/admin/danh-gia-bao-cao/tai-ve/", {"nam": YEAR, "dinh-dang": fmt}
        )
        assert response.status_code == 200
        assert response.content[:2] == magic
        assert response["Content-Type"] == exports.CONTENT_TYPES[fmt]
    bad = client.get(
        "/admin/danh-gia-bao-cao/tai-ve/",
        {"nam": YEAR, "dinh-dang": "pdf"},
        follow=True,
    )
    assert "xlsx hoặc docx" in bad.content.decode()


def test_province_edits_its_targets_and_a_district_cannot(tree, known):
    client = platform(make_officer(tree.province))
    page = client.get("/admin/danh-gia-bao-cao/chi-tieu/")
    assert page.status_code == 200
    targets = list(known.targets.order_by("pk"))
    data = {
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "2",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for i, t in enumerate(targets):
        data.update(
            {
                f"targets-{i}-id": t.pk,
                f"targets-{i}-indicator": t.indicator,
                f"targets-{i}-value": "80" if i == 0 else "abc",
                f"targets-{i}-deadline": t.deadline.isoformat(),
            }
        )
    bad = client.post("/admin/danh-gia-bao-cao/chi-tieu/", data)
    assert bad.status_code == 400
    assert "Mục tiêu phải là một số." in bad.content.decode()
    data["targets-1-value"] = "100"
    ok = client.post("/admin/danh-gia-bao-cao/chi-tieu/", data)
    assert ok.status_code == 302
    assert Target.objects.get(pk=targets[0].pk).value == 80
    refused = platform(make_officer(tree.district_a)).post(
        "/admin/danh-gia-bao-cao/chi-tieu/", data
    )
    assert refused.status_code == 403


def test_demo_province_gets_registries_departments_plan_and_a_report_period(tree):
    from reports.demo import load_demo_reports
    from reports.models import PeriodicReport
    from reports.registry import indicators

    units = list(tree.province.descendants(include_self=True))
    load_demo_reports(tree.province, units)
    load_demo_reports(tree.province, units)  # idempotent
    rows = {
        r.indicator.key: r
        for r in dashboard.build(tree.province, Period.report_year(YEAR))["rows"]
    }
    assert set(rows) == {i.key for i in indicators()}
    untargeted = {k for k, r in rows.items() if r.target is None}
    # Only the figures the plan sets no number for have no target.
    assert untargeted == {
        "broadcast_hours",
        "broadcast_tts",
        "broadcast_minority",
        "bulletins_sent",
    }
    assert rows["departments_connected"].denominator == 4
    assert rows["departments_connected"].numerator == 3
    assert rows["communication_centres"].numerator == 2
    assert rows["propagandists_hamlets"].denominator >= 3
    assert (
        PeriodicReport.objects.filter(
            period__unit=tree.district_a, status="submitted"
        ).count()
        == 1
    )
