"""A district officer works in one place (ux §3): from the platform admin,
one click opens the district's own admin, logged in, in the officer's role;
the ticket is single-use, short-lived and only for that unit's host."""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from bulletins import sso
from tests.factories.bulletins import make_officer
from tests.utils import admin_client

pytestmark = pytest.mark.django_db


def enter_link(client):
    response = client.get("/admin/thong-tin-nguon/vao-don-vi/")
    assert response.status_code == 302
    target = urlparse(response["Location"])
    return target.hostname, f"{target.path}?{target.query}"


def test_officer_opens_the_units_admin_without_a_second_password(tree, client_for):
    officer = make_officer(tree.district_a, role="approver")
    platform = admin_client(settings.BASE_DOMAIN, officer)
    # The sidebar menu is JSON for Wagtail's JavaScript: look for the link.
    assert (
        "/admin/thong-tin-nguon/vao-don-vi/" in platform.get("/admin/").content.decode()
    )
    host, path = enter_link(platform)
    assert host == tree.district_a.primary_hostname

    district = client_for(tree.district_a)
    response = district.get(path)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    admin_home = district.get("/admin/")
    assert admin_home.status_code == 200
    assert f"//{settings.BASE_DOMAIN}" in admin_home.content.decode()
    with tenant_context(tree.district_a):
        user = get_user_model().objects.get(username=officer.username)
        assert not user.has_usable_password()
        groups = set(user.groups.values_list("name", flat=True))
    assert groups == {settings.UNIT_EDITOR_GROUP, settings.UNIT_APPROVER_GROUP}

    # The same ticket again, from another browser: refused.
    again = client_for(tree.district_a).get(path)
    assert again.status_code == 403
    assert "đã được dùng" in again.content.decode()


def test_ticket_is_only_for_its_unit_and_expires(tree, client_for, monkeypatch):
    officer = make_officer(tree.district_a, role="editor")
    _host, path = enter_link(admin_client(settings.BASE_DOMAIN, officer))
    elsewhere = client_for(tree.district_b).get(path)
    assert elsewhere.status_code == 403
    assert "đơn vị khác" in elsewhere.content.decode()
    forged = client_for(tree.district_a).get("/dang-nhap-can-bo/?t=abc:def")
    assert forged.status_code == 403 and "không hợp lệ" in forged.content.decode()

    monkeypatch.setattr(sso, "TICKET_SECONDS", -1)  # every ticket is too old
    late = client_for(tree.district_a).get(path)
    assert late.status_code == 403 and "hết hạn" in late.content.decode()


def test_a_platform_user_without_a_unit_is_refused(tree):
    user = get_user_model().objects.create_user("khong-don-vi", password="x-12345678")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    client = admin_client(settings.BASE_DOMAIN, user)
    response = client.get("/admin/thong-tin-nguon/vao-don-vi/")
    assert response.status_code == 403


def test_editor_role_gets_no_approver_group(tree, client_for):
    officer = make_officer(tree.district_b, role="editor")
    _host, path = enter_link(admin_client(settings.BASE_DOMAIN, officer))
    assert client_for(tree.district_b).get(path).status_code == 302
    with tenant_context(tree.district_b):
        user = get_user_model().objects.get(username=officer.username)
        assert set(user.groups.values_list("name", flat=True)) == {
            settings.UNIT_EDITOR_GROUP
        }


def test_platform_admin_is_vietnamese_in_an_english_browser(tree):
    """The officer's platform admin spoke English to a browser set to
    English, while the unit's admin spoke Vietnamese."""
    officer = make_officer(tree.district_a, role="approver")
    client = admin_client(
        settings.BASE_DOMAIN, officer, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    html = client.get("/admin/").content.decode()
    assert '<html lang="vi"' in html
    assert "Tài khoản" in html or "T\\u00e0i kho\\u1ea3n" in html
    assert "Search all pages" not in html
