"""The commune review workflow: editors submit, approvers publish or reject."""

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from cms.models import AnnouncementPage, ArticlePage
from cms.services import REVIEW_WORKFLOW_NAME, create_page_from_bulletin
from tests.factories.cms import make_article

pytestmark = pytest.mark.django_db


def post_edit_form(client, page, action):
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.get(edit_url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data["summary"] = "Tóm tắt đã sửa."
    # The StreamField editor is drawn by JavaScript: post its fields directly.
    body = streamfield([("paragraph", rich_text("<p>Nội dung đã sửa.</p>"))])
    for key, value in nested_form_data({"body": body}).items():
        data[key] = value
    data[action] = "1"
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def test_every_unit_has_the_review_workflow_on_its_home_page(tree):
    for unit in (tree.commune_a1, tree.commune_b1, tree.district_a):
        with tenant_context(unit):
            home = Page.objects.get(depth=2)
            workflow = home.get_workflow()
            assert workflow.name == REVIEW_WORKFLOW_NAME
            [task] = [t.specific for t in workflow.tasks]
            assert [g.name for g in task.groups.all()] == ["Người duyệt"]


def test_editor_cannot_publish_directly(tree, staff, login):
    editor, _ = staff
    with tenant_context(tree.commune_a1):
        page = make_article("Bài chưa duyệt", live=False)
    client = login(editor)
    post_edit_form(client, page, "action-publish")
    with tenant_context(tree.commune_a1):
        page.refresh_from_db()
        assert not page.live
        assert not page.has_unpublished_changes or page.live is False
    # Nor can the editor see a publish button.
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content
    assert b'name="action-publish"' not in html
    assert b'name="action-submit"' in html


def test_editor_submits_and_approver_publishes(tree, staff, login):
    editor, approver = staff
    with tenant_context(tree.commune_a1):
        page = make_article("Bài gửi duyệt", live=False)
    post_edit_form(login(editor), page, "action-submit")
    with tenant_context(tree.commune_a1):
        state = WorkflowState.objects.get(
            base_content_type__isnull=False, object_id=str(page.pk)
        )
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        task_state = state.current_task_state
        page.refresh_from_db()
        assert not page.live
    response = login(approver).post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", task_state.pk],
        ),
        {"comment": "Đồng ý đăng."},
    )
    assert response.status_code in (200, 302)
    with tenant_context(tree.commune_a1):
        page.refresh_from_db()
        assert page.live
        assert page.specific.summary == "Tóm tắt đã sửa."


def test_rejected_page_stays_unpublished_with_the_comment(tree, staff, login):
    editor, approver = staff
    with tenant_context(tree.commune_a1):
        page = make_article("Bài bị trả lại", live=False)
    post_edit_form(login(editor), page, "action-submit")
    with tenant_context(tree.commune_a1):
        task_state = TaskState.objects.get(
            workflow_state__object_id=str(page.pk),
            status=TaskState.STATUS_IN_PROGRESS,
        )
    login(approver).post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "reject", task_state.pk],
        ),
        {"comment": "Cần bổ sung ảnh minh họa."},
    )
    with tenant_context(tree.commune_a1):
        page.refresh_from_db()
        task_state.refresh_from_db()
        assert not page.live
        assert task_state.status == TaskState.STATUS_REJECTED
        assert task_state.comment == "Cần bổ sung ảnh minh họa."


def test_bulletin_becomes_a_draft_in_review_with_sanitised_body(tree):
    with tenant_context(tree.commune_a1):
        page = create_page_from_bulletin(
            title="Đợt rét đậm, rét hại",
            summary="Khuyến cáo người dân giữ ấm cho trẻ em và người già.",
            body_html=(
                '<p onclick="x()">Giữ ấm <b>cho trẻ</b></p><script>alert(1)</script>'
            ),
            kind="announcement",
        )
        assert isinstance(page, AnnouncementPage)
        assert page.get_parent().slug == "thong-bao"
        assert page.slug == "dot-ret-dam-ret-hai"
        assert not page.live
        state = page.workflow_states.get()
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        body = str(page.body[0].value)
        assert "script" not in body and "onclick" not in body
        assert "<b>cho trẻ</b>" in body
        article = create_page_from_bulletin(
            title="Tin từ huyện",
            summary="",
            body_html="<p>Nội dung</p>",
            kind="article",
            submit_for_review=False,
        )
        assert isinstance(article, ArticlePage)
        assert article.get_parent().slug == "tin-tuc"
        assert not article.workflow_states.exists()
    with tenant_context(tree.commune_a2):
        assert not AnnouncementPage.objects.filter(title="Đợt rét đậm, rét hại")
