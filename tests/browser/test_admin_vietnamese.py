"""A commune editor edits an article in the Wagtail admin, in Vietnamese
(desktop, 1280 px); the screenshot is saved for a person to check."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-123"


@pytest.fixture
def editor_and_article(tree, committed):
    """A committed editor and article in commune 90101, removed after."""
    from django.contrib.auth import get_user_model

    from cms.models import ArticlePage
    from cms.services import section

    with tenant_context(tree.commune_a1):
        editor = get_user_model().objects.create_user(
            "bientap-trinhduyet", password=PASSWORD, first_name="Lan"
        )
        editor.groups.add(Group.objects.get(name=settings.UNIT_EDITOR_GROUP))
        article = section("tin-tuc").add_child(
            instance=ArticlePage(
                title="Xã An Bình ra quân làm đường giao thông nông thôn",
                slug="quan-tri-tieng-viet",
                summary="Hơn 300 người dân cùng tham gia bê tông hóa đường ấp 3.",
                live=False,
            )
        )
        article.save_revision()
    yield editor, article
    with tenant_context(tree.commune_a1):
        article.delete()
        editor.delete()


def test_editor_sees_the_edit_view_in_vietnamese(
    tree, live_site, page, artifacts_dir, editor_and_article
):
    editor, article = editor_and_article
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_site.url(tree.commune_a1, "/admin/login/"))
    assert page.locator("button[type=submit]").inner_text().strip() == "Đăng nhập"
    page.fill("input[name=username]", editor.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(live_site.url(tree.commune_a1, f"/admin/pages/{article.pk}/edit/"))
    page.wait_for_selector("[data-side-panel-toggle], .w-sidebar", timeout=20000)
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    for label in ["Lưu nháp", "Trang", "Hình ảnh", "Tài liệu", "Nội dung", "Thẻ"]:
        assert label in body, label
    for english in ["Save draft", "Documents", "A comma-separated list of tags"]:
        assert english not in body, english
    # The actions menu opens with the workflow submission in Vietnamese.
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    submit = page.get_by_text("Gửi duyệt theo quy trình").first
    submit.wait_for(state="visible")
    page.wait_for_timeout(400)  # let the menu finish opening for the screenshot
    page.screenshot(path=str(artifacts_dir / "admin-vi-edit-desktop.png"))
