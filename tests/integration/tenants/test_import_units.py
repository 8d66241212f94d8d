"""Import of real administrative units (slow: provisions every unit)."""

import json

import pytest
from django.core.management import CommandError, call_command

from tenants.models import Unit

pytestmark = [pytest.mark.slow]


def imported(structure, province):
    return Unit.objects.filter(structure=structure, path__startswith=province)


def drop(committed, structure, province):
    for unit in imported(structure, province).order_by("path"):
        committed.drop_later(unit)


def test_import_province_86_2025_gives_124_communes_and_is_idempotent(
    tree, committed, capsys
):
    try:
        call_command("import_units", structure="2025", province="86", no_progress=True)
        units = imported(2025, "86")
        assert units.count() == 125
        assert units.filter(kind="province").count() == 1
        assert units.exclude(kind="province").filter(parent__code="86").count() == 124
        assert not units.filter(provisioned_at__isnull=True).exists()
        before = list(units.values_list("pk", "schema_name", "slug", "provisioned_at"))
        capsys.readouterr()
        call_command("import_units", structure="2025", province="86", no_progress=True)
        assert "0 mới, 0 cập nhật, 125 không đổi, 0 được cấp schema" in (
            capsys.readouterr().out
        )
        after = list(units.values_list("pk", "schema_name", "slug", "provisioned_at"))
        assert before == after
        call_command("list_units", json=True, structure=2025)
        rows = json.loads(capsys.readouterr().out)
        phu_khuong = next(r for r in rows if r["code"] == "28756")
        assert phu_khuong["name"] == "Phường Phú Khương"
        assert phu_khuong["kind"] == "ward"
        assert phu_khuong["parent_code"] == "86"
        assert phu_khuong["schema"] == "unit_2025_28756"
        assert phu_khuong["hostnames"] == ["phuong-phu-khuong.localhost"]
    finally:
        drop(committed, 2025, "86")


def test_import_province_94_2020_gives_districts_and_communes(tree, committed):
    try:
        call_command("import_units", structure="2020", province="94", no_progress=True)
        units = imported(2020, "94")
        assert units.filter(kind="province").count() == 1
        assert units.filter(kind="district").count() == 11
        lower = units.exclude(kind__in=["province", "district"])
        assert lower.count() == 109
        assert {u.parent.kind for u in lower.select_related("parent")} == {"district"}
        assert lower.filter(kind="township").exists()
        assert lower.filter(kind="ward").exists()
    finally:
        drop(committed, 2020, "94")


def test_import_can_be_limited_to_some_districts(tree, committed):
    try:
        call_command(
            "import_units",
            structure="2020",
            province="94",
            districts=["941"],
            no_progress=True,
        )
        units = imported(2020, "94")
        assert set(units.filter(kind="district").values_list("code", flat=True)) == {
            "941"
        }
        assert units.exclude(kind__in=["province", "district"]).count() == (
            units.filter(parent__code="941").count()
        )
    finally:
        drop(committed, 2020, "94")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options, message",
    [
        ({"structure": "2025", "province": "99"}, "Không có tỉnh/thành phố mã '99'"),
        ({"structure": "2019", "province": "86"}, "Cấu trúc '2019' không hợp lệ"),
        (
            {"structure": "2020", "province": "94", "districts": ["999"]},
            "Không tìm thấy quận/huyện mã 999",
        ),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(tree, options, message):
    before = Unit.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_units", no_progress=True, **options)
    assert Unit.objects.count() == before


def test_bad_province_code_exits_non_zero_from_the_shell(tree):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_units",
            "--structure",
            "2025",
            "--province",
            "99",
        ],
        capture_output=True,
        text=True,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        },
    )
    assert result.returncode != 0
    assert "Không có tỉnh/thành phố mã '99'" in result.stderr


def test_lower_units_get_hostnames_that_say_what_they_are(tree, committed):
    try:
        call_command(
            "import_units",
            structure="2020",
            province="94",
            districts=["941"],
            limit=3,
            no_progress=True,
        )
        units = {u.code: u for u in imported(2020, "94")}
        assert units["94"].slug == "soc-trang"
        assert units["941"].slug == "thanh-pho-soc-trang"
        lower = [u for u in units.values() if u.kind not in ("province", "district")]
        assert lower and all(u.slug.startswith("phuong-") for u in lower)
    finally:
        drop(committed, 2020, "94")
