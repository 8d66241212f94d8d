"""Nothing becomes public without the approver, translations included.

wagtail-localize publishes on commit, so every request here runs its
on-commit callbacks (``django_capture_on_commit_callbacks(execute=True)``):
without that, a publish would be lost with the test's transaction and the
tests could not fail.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context
from wagtail.models import Locale, Page
from wagtail_localize.models import TranslationSource

from tests.factories.cms import make_article, publish
from tests.utils import admin_client

pytestmark = pytest.mark.django_db


def _official(unit, name, group):
    with tenant_context(unit):
        user = get_user_model().objects.create_user(name, password="mat-khau-dai-12")
        user.groups.add(Group.objects.get(name=group))
    return user


def _submit_to_khmer(client, unit, page, capture):
    with tenant_context(unit):
        km = Locale.objects.get(language_code="km")
    with capture(execute=True):
        response = client.post(
            f"/admin/localize/submit/page/{page.pk}/", {"locales": [km.pk]}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(unit):
        return page.get_translation(km).specific


def _sync(client, unit, page, capture, **extra):
    with tenant_context(unit):
        source = TranslationSource.objects.get_for_instance(page)
    with capture(execute=True):
        response = client.post(
            f"/admin/localize/update/{source.pk}/",
            {"publish_translations": "on", **extra},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_editor_sync_with_publish_immediately_leaves_nothing_public(
    tree, client_for, django_capture_on_commit_callbacks
):
    unit = tree.commune_a1
    editor = _official(unit, "bientap-dich", settings.UNIT_EDITOR_GROUP)
    client = admin_client(unit, editor)
    with tenant_context(unit):
        draft = make_article("Tin nháp chưa duyệt", live=False)
    km_page = _submit_to_khmer(client, unit, draft, django_capture_on_commit_callbacks)
    _sync(client, unit, draft, django_capture_on_commit_callbacks)
    with tenant_context(unit):
        km_page.refresh_from_db()
        assert not km_page.live
        assert not Page.objects.filter(
            locale__language_code="km", live=True, title="Tin nháp chưa duyệt"
        ).exists()
        km_url = km_page.get_url()
    assert (
        client_for(unit).get(km_url or "/km/tin-tuc/tin-nhap-chua-duyet/").status_code
        == 404
    )


def test_a_translation_of_a_live_page_submitted_by_an_editor_is_a_draft(
    tree, django_capture_on_commit_callbacks
):
    unit = tree.commune_a1
    editor = _official(unit, "bientap-dich2", settings.UNIT_EDITOR_GROUP)
    with tenant_context(unit):
        article = make_article("Tin đã duyệt bằng tiếng Việt")
    km_page = _submit_to_khmer(
        admin_client(unit, editor), unit, article, django_capture_on_commit_callbacks
    )
    with tenant_context(unit):
        km_page.refresh_from_db()
        assert not km_page.live
        assert km_page.get_workflow() is not None  # the unit's review applies


def test_editor_cannot_publish_a_khmer_copy_and_the_approver_moderates_it(
    tree, client_for, django_capture_on_commit_callbacks
):
    unit = tree.commune_a1
    editor = _official(unit, "bientap-dich3", settings.UNIT_EDITOR_GROUP)
    approver = _official(unit, "duyet-dich3", settings.UNIT_APPROVER_GROUP)
    with tenant_context(unit):
        article = make_article("Tin cho bà con Khmer")
    km_page = _submit_to_khmer(
        admin_client(unit, editor), unit, article, django_capture_on_commit_callbacks
    )
    with tenant_context(unit):
        assert not km_page.permissions_for_user(editor).can_publish()
        assert km_page.permissions_for_user(editor).can_edit()
        approver_rights = km_page.permissions_for_user(approver)
        assert approver_rights.can_edit() and approver_rights.can_publish()
    # The editor's direct publish of the copy is refused.
    editor_client = admin_client(unit, editor)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            f"/admin/pages/{km_page.pk}/edit/",
            {"title": km_page.title, "slug": km_page.slug, "action-publish": "on"},
        )
    with tenant_context(unit):
        km_page.refresh_from_db()
        assert not km_page.live
    # The approver opens the copy in the admin (no redirect to the dashboard),
    # publishes it, and can take it down again.
    approver_client = admin_client(unit, approver)
    assert approver_client.get(f"/admin/pages/{km_page.pk}/edit/").status_code == 200
    with tenant_context(unit):
        publish(km_page)
        km_url = km_page.get_url()
    assert client_for(unit).get(km_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = approver_client.post(f"/admin/pages/{km_page.pk}/unpublish/")
    assert response.status_code == 302
    with tenant_context(unit):
        km_page.refresh_from_db()
        assert not km_page.live


def test_approver_sync_may_still_publish_immediately(
    tree, django_capture_on_commit_callbacks
):
    unit = tree.commune_a1
    approver = _official(unit, "duyet-dich4", settings.UNIT_APPROVER_GROUP)
    client = admin_client(unit, approver)
    with tenant_context(unit):
        article = make_article("Tin người duyệt đồng bộ")
    km_page = _submit_to_khmer(
        client, unit, article, django_capture_on_commit_callbacks
    )
    with tenant_context(unit):
        source = TranslationSource.objects.get_for_instance(article)
    form = client.get(f"/admin/localize/update/{source.pk}/").content.decode()
    assert 'name="publish_translations"' in form
    _sync(client, unit, article, django_capture_on_commit_callbacks)
    with tenant_context(unit):
        km_page.refresh_from_db()
        assert km_page.live
