"""The admin menu offers a person only what their role may do: an editor
is not shown the emergency buttons (the views refuse editors) nor board
pairing, which an approver is."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from tests.utils import admin_client

pytestmark = pytest.mark.django_db

APPROVER_ONLY = [
    "/admin/truyen-thanh/khan-cap/",
    "/admin/signage/interrupt-now/",
    "/admin/signage/boards/pair/",
]
EVERY_ROLE = ["/admin/truyen-thanh/", "/admin/signage/overview/"]


def menu_urls(client):
    html = client.get("/admin/").content.decode()
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert props, "the admin page has no sidebar"
    urls = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("url"), str):
                urls.add(node["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.group(1)))
    return urls


def user_of(unit, name, group):
    with tenant_context(unit):
        user = get_user_model().objects.create_user(name, password="mat-khau-dai-123")
        user.groups.add(Group.objects.get(name=group))
    return user


def test_editor_menu_leaves_out_what_only_an_approver_may_do(tree):
    unit = tree.commune_a1
    editor = user_of(unit, "bientap-menu", settings.UNIT_EDITOR_GROUP)
    approver = user_of(unit, "duyet-menu", settings.UNIT_APPROVER_GROUP)

    editors = menu_urls(admin_client(unit, editor))
    approvers = menu_urls(admin_client(unit, approver))

    for url in EVERY_ROLE:
        assert url in editors and url in approvers, url
    for url in APPROVER_ONLY:
        assert url in approvers, url
        assert url not in editors, url
    # What the editor is not shown, the editor is refused.
    client = admin_client(unit, editor)
    response = client.get("/admin/truyen-thanh/khan-cap/")
    assert response.status_code in (302, 403)
