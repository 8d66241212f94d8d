"""The admin for commune staff: Vietnamese, review-date flags, scheduled
publishing, the unit's theme."""

import datetime
import time

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from cms.tasks import publish_scheduled_pages
from cms.wagtail_hooks import pages_due_for_review
from tests.factories.cms import make_article
from themes.models import ThemeSettings

pytestmark = pytest.mark.django_db


def test_admin_speaks_vietnamese(tree, staff, login):
    editor, _ = staff
    html = login(editor).get("/admin/").content.decode()
    assert 'lang="vi"' in html
    assert "Trang" in html and "Bảng điều khiển" in html or "Tìm kiếm" in html


def test_page_past_its_review_date_is_flagged_on_the_dashboard(tree, staff, login):
    editor, _ = staff
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with tenant_context(tree.commune_a1):
        stale = make_article("Bài cần rà soát", review_date=yesterday)
        make_article("Bài còn hạn", review_date=yesterday + datetime.timedelta(days=30))
        due = [p.title for p in pages_due_for_review()]
    assert "Bài cần rà soát" in due and "Bài còn hạn" not in due
    assert stale.needs_review
    html = login(editor).get("/admin/").content.decode()
    assert "Trang cần rà soát lại" in html
    assert "Bài cần rà soát" in html


def test_scheduled_page_goes_live_when_its_time_comes(tree, client_for):
    from wagtail.models import Revision

    with tenant_context(tree.commune_a1):
        page = make_article("Tin hẹn giờ đăng", live=False)
        page.go_live_at = timezone.now() + datetime.timedelta(seconds=2)
        revision = page.save_revision()
        revision.publish()  # a future go-live only schedules it
        page.refresh_from_db()
        assert not page.live
        assert Revision.objects.get(pk=revision.pk).approved_go_live_at
        url = page.url
    time.sleep(2.5)  # the go-live time passes
    assert tree.commune_a1.schema_name in publish_scheduled_pages()
    with tenant_context(tree.commune_a1):
        page.refresh_from_db()
        assert page.live
    assert client_for(tree.commune_a1).get(url).status_code == 200


def test_each_unit_chooses_its_theme(tree, client_for):
    from wagtail.models import Site

    with tenant_context(tree.commune_a1):
        setting = ThemeSettings.for_site(Site.objects.get(is_default_site=True))
        setting.theme = "song-nuoc"
        setting.save()
    assert (
        'data-theme="song-nuoc"'
        in client_for(tree.commune_a1).get("/").content.decode()
    )
    assert (
        'data-theme="truyen-thong"'
        in client_for(tree.commune_a2).get("/").content.decode()
    )
