"""Provisioning a unit: clone of the template, then its own identity."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tenants.utils import schema_exists, tenant_context

from tenants.models import Domain, Unit
from tenants.services import create_unit

pytestmark = pytest.mark.django_db


def test_provisioning_gives_hostname_site_locales_home_sections_and_groups(tree):
    unit = create_unit(
        code="90103",
        name="Xã Tân Lập",
        name_with_type="Xã Tân Lập",
        kind="commune",
        structure=2020,
        parent=tree.district_a,
        languages=["km", "en"],
    )
    assert schema_exists(unit.schema_name)
    assert unit.primary_hostname == f"xa-tan-lap.{settings.BASE_DOMAIN}"
    assert Domain.objects.get(domain=unit.primary_hostname).tenant == unit

    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission, Locale, Site

    with tenant_context(unit):
        site = Site.objects.get()
        assert site.hostname == unit.primary_hostname
        assert site.is_default_site
        home = site.root_page.specific
        assert home.title == "Xã Tân Lập"
        assert type(home).__name__ == "HomePage"
        assert [p.title for p in home.get_children()] == [
            "Giới thiệu",
            "Tin tức",
            "Văn bản",
            "Thông báo",
            "Hỏi đáp",
            "Liên hệ",
        ]
        assert set(Locale.objects.values_list("language_code", flat=True)) == {
            "vi",
            "km",
            "en",
        }
        assert Locale.get_default().language_code == "vi"
        editor = Group.objects.get(name="Biên tập viên")
        approver = Group.objects.get(name="Người duyệt")
        editor_perms = set(
            GroupPagePermission.objects.filter(group=editor).values_list(
                "permission__codename", flat=True
            )
        )
        approver_perms = set(
            GroupPagePermission.objects.filter(group=approver).values_list(
                "permission__codename", flat=True
            )
        )
        assert "publish_page" not in editor_perms
        assert {"add_page", "change_page"} <= editor_perms
        assert "publish_page" in approver_perms
    # Nothing of the new unit leaked into its siblings.
    with tenant_context(tree.commune_a1):
        assert not Site.objects.filter(hostname=unit.primary_hostname).exists()


def test_units_know_their_ancestors_and_descendants(tree):
    assert [u.code for u in tree.commune_a1.ancestors()] == ["90", "901"]
    codes = set(tree.district_a.descendants().values_list("code", flat=True))
    assert {"90101", "90102"} <= codes
    assert "90201" not in codes
    assert tree.province.descendants().filter(code="90201").exists()


def test_unit_with_duplicate_name_gets_a_distinct_hostname(tree):
    twin = create_unit(
        code="90202",
        name="Xã An Bình",
        kind="commune",
        structure=2020,
        parent=tree.district_b,
    )
    assert twin.slug != tree.commune_a1.slug
    assert twin.primary_hostname == f"xa-an-binh-90202.{settings.BASE_DOMAIN}"


def test_noop_migrate_schemas_skips_every_up_to_date_schema(tree, capsys):
    call_command("migrate_schemas", verbosity=1, interactive=False)
    out = capsys.readouterr().out
    total = Unit.objects.exclude(schema_name="public").count() + 1  # + template
    assert f"0 schema cần migrate, {total} schema đã mới nhất" in out
    assert "Applying" not in out


def test_unit_groups_can_run_boards_and_speakers(tree):
    from django.contrib.auth.models import Group

    with tenant_context(tree.commune_a2):
        editor = Group.objects.get(name="Biên tập viên")
        approver = Group.objects.get(name="Người duyệt")
        editor_perms = set(editor.permissions.values_list("codename", flat=True))
        approver_perms = set(approver.permissions.values_list("codename", flat=True))
    assert {"add_slide", "change_playlist", "add_program"} <= editor_perms
    assert "add_interrupt" not in editor_perms
    assert {"add_interrupt", "change_board", "add_slide"} <= approver_perms


def test_migrate_schemas_skips_a_unit_without_a_schema(tree, capsys):
    Unit.objects.create(
        code="90298",
        name="Xã Chưa Có Schema",
        kind="commune",
        structure=2020,
        parent=tree.district_b,
        slug="xa-chua-co-schema",
        schema_name="unit_2020_90298",
    )
    call_command("migrate_schemas", verbosity=1, interactive=False)
    captured = capsys.readouterr()
    assert "Bỏ qua 1 đơn vị chưa có schema: unit_2020_90298" in captured.err
    assert "0 schema cần migrate" in captured.out


def test_sync_unit_groups_gives_existing_units_the_permissions_of_this_release(
    tree, capsys
):
    from django.contrib.auth.models import Group, Permission
    from django.core.management.base import CommandError
    from wagtail.models import GroupPagePermission

    # A unit provisioned before a release that added permissions.
    with tenant_context(tree.commune_a2):
        editors = Group.objects.get(name=settings.UNIT_EDITOR_GROUP)
        editors.permissions.remove(
            Permission.objects.get(codename="view_speakercluster")
        )
        GroupPagePermission.objects.filter(
            group=editors, permission__codename="add_page"
        ).delete()
    call_command("sync_unit_groups", "--no-progress")
    out = capsys.readouterr().out
    assert f"{tree.commune_a2.schema_name}: thêm 2 quyền" in out
    assert "1 đơn vị được thêm quyền" in out
    with tenant_context(tree.commune_a2):
        editor = Group.objects.get(name=settings.UNIT_EDITOR_GROUP)
        assert editor.permissions.filter(codename="view_speakercluster").exists()
        assert GroupPagePermission.objects.filter(
            group=editor, permission__codename="add_page"
        ).exists()
    call_command("sync_unit_groups", "--no-progress", "--unit", tree.commune_a2.code)
    assert "Đã kiểm tra 1 đơn vị; 0 đơn vị được thêm quyền." in capsys.readouterr().out
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("sync_unit_groups", "--unit", "00000")
