"""Wagtail's autosave cannot undo an approval (ux B2): an autosave from an
editor opened before the page was published is refused and saves nothing;
an autosave made after opening a live page is saved as usual."""

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context
from wagtail.models import Page, TaskState
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from cms.models import ArticlePage
from tests.factories.cms import make_article

from .test_workflow import post_edit_form

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def editor_form(client, page):
    """The editor's form as the browser holds it (what autosave posts)."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    body = streamfield([("paragraph", rich_text("<p>Người duyệt sửa một chữ.</p>"))])
    for key, value in nested_form_data({"body": body}).items():
        data[key] = value
    return url, data


def test_autosave_from_before_the_approval_saves_nothing(tree, staff, login):
    editor, approver = staff
    with tenant_context(tree.commune_a1):
        page = make_article("Bài duyệt khi đang tự lưu", live=False)
    post_edit_form(login(editor), page, "action-submit")
    reviewer = login(approver)
    # The approver opens the editor and types: the autosave is on its way ...
    url, data = editor_form(reviewer, page)
    data["summary"] = "Bản tự lưu cũ."
    with tenant_context(tree.commune_a1):
        task_state = TaskState.objects.get(
            workflow_state__object_id=str(page.pk),
            status=TaskState.STATUS_IN_PROGRESS,
        )
        revisions = page.revisions.count()
    # ... and "Duyệt và xuất bản" lands first.
    approved = reviewer.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", task_state.pk],
        ),
        {"comment": ""},
    )
    assert approved.status_code in (200, 302)
    autosave = reviewer.post(url, data, **JSON)
    assert autosave.status_code == 400
    assert autosave.json()["error_code"] == "invalid_revision"
    assert "vừa được xuất bản" in autosave.json()["error_message"]
    with tenant_context(tree.commune_a1):
        fresh = Page.objects.get(pk=page.pk)
        assert fresh.live and fresh.first_published_at is not None
        assert not fresh.has_unpublished_changes
        assert fresh.revisions.count() == revisions  # no approver's draft
        assert ArticlePage.objects.get(pk=page.pk).summary == "Tóm tắt đã sửa."


def test_autosave_after_opening_a_live_page_is_saved(tree, staff, login):
    editor, approver = staff
    with tenant_context(tree.commune_a1):
        page = make_article("Bài đã đăng, sửa tiếp")
        revisions = page.revisions.count()
    reviewer = login(approver)
    url, data = editor_form(reviewer, page)
    data["summary"] = "Đang sửa dở."
    autosave = reviewer.post(url, data, **JSON)
    assert autosave.status_code == 200, autosave.content[:500]
    assert autosave.json()["success"] is True
    with tenant_context(tree.commune_a1):
        fresh = Page.objects.get(pk=page.pk)
        assert fresh.live and fresh.has_unpublished_changes
        assert fresh.revisions.count() == revisions + 1
        latest = fresh.get_latest_revision_as_object()
        assert latest.summary == "Đang sửa dở."
