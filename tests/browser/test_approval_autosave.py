"""Approve → published and syndicated, with Wagtail's autosave running in the
approver's editor (ux B2), in Chromium at 375 and 1366 px.

The site runs with autosave on (the project's default, 500 ms) and a real
Celery worker, so syndication to the district happens as in production. The
approver opens the article in review, edits the summary (autosave saves it),
edits again and presses "Duyệt và xuất bản" while the next autosave is
due. The page must end live, syndicated, with no approver's draft on top.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from tests.utils import (
    admin_log_in,
    axe_serious_violations,
    start_web_server,
    test_database_url,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.worker]

PASSWORD = "mat-khau-dai-123"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def site_with_worker(celery_worker_process):
    """The site, sending its tasks to the test worker, autosave on."""
    server = start_web_server(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
            "CELERY_QUEUE": celery_worker_process.queue,
            "WAGTAIL_AUTOSAVE_INTERVAL": "500",
        },
        threads=8,
    )
    yield server
    server.stop()


@pytest.fixture
def article_in_review(tree, committed, request):
    from wagtail.models import Page

    from cms.models import ArticlePage
    from cms.services import section
    from syndication.models import SyndicatedItem

    suffix = request.node.callspec.id
    with tenant_context(tree.commune_a1):
        User = get_user_model()
        editor = User.objects.create_user(f"bientap-ts-{suffix}", password=PASSWORD)
        editor.groups.add(Group.objects.get(name=settings.UNIT_EDITOR_GROUP))
        approver = User.objects.create_user(
            f"duyet-ts-{suffix}", password=PASSWORD, first_name="Người duyệt"
        )
        approver.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
        article = ArticlePage(
            title=f"Xã An Bình khánh thành cầu Kênh Ba ({suffix} px)",
            slug=f"khanh-thanh-cau-kenh-ba-{suffix}",
            summary="Cây cầu mới nối ấp 3 và ấp 4.",
            live=False,
        )
        section("tin-tuc").add_child(instance=article)
        revision = article.save_revision(user=editor)
        article.get_workflow().start(article, editor)
        assert not Page.objects.get(pk=article.pk).live
    yield article, approver, revision
    SyndicatedItem.objects.filter(unit=tree.commune_a1, page_id=article.pk).delete()
    with tenant_context(tree.commune_a1):
        Page.objects.filter(pk=article.pk).delete()
        editor.delete()
        approver.delete()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1366"])
def test_approver_publishes_while_autosave_runs_and_the_page_stays_live(
    tree, site_with_worker, page, artifacts_dir, article_in_review, viewport
):
    from wagtail.models import Page, Revision

    from syndication.models import SyndicatedItem

    article, approver, _ = article_in_review
    width = viewport["width"]
    page.set_viewport_size(viewport)
    site = site_with_worker
    commune = tree.commune_a1
    admin_log_in(page, site.url(commune, "/admin/login/"), approver.username, PASSWORD)

    def is_autosave(response):
        request = response.request
        return (
            request.method == "POST"
            and f"/admin/pages/{article.pk}/edit/" in response.url
            and "application/json" in (request.headers.get("accept") or "")
        )

    page.goto(site.url(commune, f"/admin/pages/{article.pk}/edit/"))
    summary = page.locator("#id_summary")
    # Wagtail's change tracker takes its first look 2 s after the editor loads.
    page.wait_for_timeout(2500)
    # Wagtail's autosave saves the edit in the background.
    with page.expect_response(is_autosave, timeout=15000) as autosave:
        summary.fill("Cây cầu mới nối ấp 3 và ấp 4, dài 40 m.")
    assert autosave.value.status == 200
    page.screenshot(path=artifacts_dir / f"approval-autosave-editor-{width}.png")
    # Type again and approve at once: the next autosave is due while the
    # approval is posted.
    summary.fill("Cây cầu mới nối ấp 3 và ấp 4, dài 40 m, rộng 3,5 m.")
    page.locator("footer .w-dropdown__toggle").click()
    approve = page.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    )
    approve.click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã duyệt và xuất bản trang").count() == 1
    page.wait_for_timeout(2000)  # any autosave still in flight lands now
    page.screenshot(path=artifacts_dir / f"approval-autosave-after-{width}.png")
    assert axe_serious_violations(page) == []

    with tenant_context(commune):
        fresh = Page.objects.get(pk=article.pk)
        assert fresh.live and fresh.first_published_at is not None
        assert not fresh.has_unpublished_changes
        after = Revision.page_revisions.filter(
            object_id=str(article.pk), created_at__gt=fresh.last_published_at
        )
        assert not after.exists()  # no approver's draft on top
        assert fresh.specific.summary.endswith("rộng 3,5 m.")
        public_url = fresh.url
    # Public on the commune, and syndicated to the district by the worker.
    page.goto(site.url(commune, public_url))
    assert page.locator("main h1").inner_text() == article.title
    item = wait_for(
        lambda: SyndicatedItem.objects.filter(unit=commune, page_id=article.pk).first(),
        timeout=30,
    )
    assert item.title == article.title
    page.goto(site.url(tree.district_a, "/"))
    assert page.get_by_role("link", name=article.title).count() >= 1
