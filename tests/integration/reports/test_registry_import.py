"""Spreadsheet import/export of the registries: a good file imports (twice
changes nothing), a bad file gets a row-by-row Vietnamese report and saves
nothing; the command shows a progress bar."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from reports import importers
from reports.models import CommunicationCentre, LegacyStation, Propagandist
from tenants.models import Hamlet
from tests.factories.bulletins import make_officer
from tests.utils import admin_client

pytestmark = pytest.mark.django_db


def workbook(sheets):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(importers.COLUMNS[name])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = {
    importers.HAMLETS: [
        ["90101", "Ấp Phú Hữu", "Ấp", 1200, 310],
        ["90101", "Khóm 2", "Khóm", None, None],
        ["90201", "Ấp Tân Lập", "ap", "850", ""],
    ],
    importers.STATIONS: [
        [
            "90101",
            "Đài FM xã",
            "Truyền thanh không dây (FM)",
            2012,
            "Hư hỏng",
            2026,
            None,
        ],
        ["90201", "Đài có dây", "wired", 2009, "Xuống cấp", None, 2024],
    ],
    importers.PEOPLE: [["90101", "Ấp Phú Hữu", "Nguyễn Văn Hùng", "0912345678"]],
    importers.CENTRES: [["901", "Trung tâm VH-TT-TT-TT huyện An Phú", 2019, 12]],
}


def test_good_file_imports_every_registry_and_twice_changes_nothing(tree):
    content = workbook(GOOD)
    for _ in range(2):
        report = importers.import_registries(content, root=tree.province)
        assert report.ok, report.lines()
    assert Hamlet.objects.filter(unit__path__startswith="90/").count() == 3
    assert Hamlet.objects.get(unit=tree.commune_a1, name="Khóm 2").kind == "khom"
    assert Hamlet.objects.get(unit=tree.commune_b1, name="Ấp Tân Lập").population == 850
    station = LegacyStation.objects.get(unit=tree.commune_a1)
    assert (station.kind, station.condition, station.year_installed) == (
        "fm",
        "broken",
        2012,
    )
    assert LegacyStation.objects.get(unit=tree.commune_b1).converted_year == 2024
    assert (
        Propagandist.objects.get(hamlet__unit=tree.commune_a1).hamlet.name
        == "Ấp Phú Hữu"
    )
    assert CommunicationCentre.objects.filter(unit=tree.district_a).exists()
    # Export gives the same rows back in the same layout.
    exported = load_workbook(io.BytesIO(importers.export_registries(tree.province)))
    rows = list(exported[importers.HAMLETS].iter_rows(min_row=2, values_only=True))
    assert ("90101", "Ấp Phú Hữu", "Ấp", 1200, 310) in rows


def test_bad_rows_are_reported_row_by_row_and_nothing_is_saved(tree):
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet(importers.HAMLETS)
    sheet.append(importers.COLUMNS[importers.HAMLETS])
    sheet.append(["90101", "Ấp Một", "Ấp", 100, 20])  # fine, but must not be saved
    sheet.append(["99999", "Ấp Lạ", "Ấp", 100, 20])  # unknown unit
    sheet.append(["90101", "ấp một", "Ấp", 100, 20])  # duplicate
    sheet.append(["90101", "Ấp Hai", "Ấp", "nhiều", 20])  # bad number
    stations = book.create_sheet(importers.STATIONS)
    stations.append(importers.COLUMNS[importers.STATIONS])
    stations.append(["90101", "Đài FM", "fm", 2999, "good", None, None])  # future
    stations.append(["90101", "Đài X", "vệ tinh", 2010, "good", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    report = importers.import_registries(content, root=tree.district_a)
    assert not report.ok
    lines = report.lines()
    assert len(lines) == 5
    assert "dòng 3: Mã đơn vị “99999” không có" in lines[0]
    assert "dòng 4: Dòng trùng" in lines[1]
    assert "“Số dân” phải là số" in lines[2]
    assert "ở tương lai" in lines[3]
    assert "“Loại” “vệ tinh” không có trong danh mục" in lines[4]
    assert not Hamlet.objects.filter(name="Ấp Một").exists()
    # A commune of another district is not in the district's subtree.
    book = Workbook()
    sheet = book.active
    sheet.title = importers.HAMLETS
    sheet.append(importers.COLUMNS[importers.HAMLETS])
    sheet.append(["90201", "Ấp Khác", "Ấp", 1, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    report = importers.import_registries(buffer.getvalue(), root=tree.district_a)
    assert "không có hoặc không thuộc Huyện An Phú" in report.lines()[0]
    assert importers.import_registries(b"not a workbook", root=tree.province).lines()


def test_command_imports_with_a_progress_bar_and_refuses_a_bad_file(
    tree, tmp_path, capsys
):
    good = tmp_path / "danh-muc.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = importers.HAMLETS
    sheet.append(importers.COLUMNS[importers.HAMLETS])
    sheet.append(["90102", "Ấp Mới", "Ấp", 10, 3])
    book.save(good)
    call_command("reports_registry", "import", str(good), unit="90")
    captured = capsys.readouterr()
    assert "Nhập danh mục" in captured.err  # tqdm's bar
    assert "Đã nhập 1 dòng" in captured.out
    sheet.append(["90102", "Ấp Mới", "Ấp", -5, 3])
    book.save(good)
    with pytest.raises(CommandError, match="chưa nhập dòng nào"):
        call_command("reports_registry", "import", str(good), unit="90")
    out = tmp_path / "xuat.xlsx"
    call_command("reports_registry", "export", str(out), unit="90")
    assert load_workbook(out)[importers.HAMLETS].max_row == 2


def test_officer_uploads_from_the_admin_and_sees_the_errors(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = admin_client(settings.BASE_DOMAIN, make_officer(tree.district_a))
    book = Workbook()
    sheet = book.active
    sheet.title = importers.HAMLETS
    sheet.append(importers.COLUMNS[importers.HAMLETS])
    sheet.append(["90201", "Ấp Ngoài", "Ấp", 1, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("danh-muc.xlsx", buffer.getvalue())
    response = client.post("/admin/danh-gia-bao-cao/danh-muc/", {"file": upload})
    assert response.status_code == 400
    assert "chưa nhập dòng nào" in response.content.decode()
    assert "không thuộc Huyện An Phú" in response.content.decode()
    wrong = SimpleUploadedFile("danh-muc.csv", b"a,b")
    response = client.post("/admin/danh-gia-bao-cao/danh-muc/", {"file": wrong})
    assert "Hãy chọn tệp Excel dạng .xlsx." in response.content.decode()
    export = client.get("/admin/danh-gia-bao-cao/danh-muc/", {"xuat": "xlsx"})
    assert export.status_code == 200 and export.content[:2] == b"PK"
