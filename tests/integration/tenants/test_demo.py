"""The demo loader fills units with real content, accounts and a survey."""

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def test_load_demo_fills_units_with_corpus_content_accounts_and_a_survey(tree):
    call_command("load_demo", province="90", no_progress=True)
    from django.contrib.auth import get_user_model
    from wagtail.documents import get_document_model

    from cms.models import ArticlePage
    from engage.models import Survey

    with tenant_context(tree.commune_a1):
        articles = ArticlePage.objects.live()
        assert articles.count() >= 4
        assert any("thông tin cơ sở" in a.title.lower() for a in articles)
        assert (
            get_document_model().objects.filter(title__startswith="Kế hoạch").exists()
        )
        users = get_user_model().objects
        assert (
            users.get(username="bientap").groups.filter(name="Biên tập viên").exists()
        )
        assert users.get(username="admin").is_superuser
    assert Survey.objects.filter(unit=tree.commune_a1).count() == 1
    # Idempotent: a second run adds nothing.
    call_command("load_demo", province="90", no_progress=True)
    with tenant_context(tree.commune_a1):
        assert ArticlePage.objects.live().count() == articles.count()
    assert Survey.objects.filter(unit=tree.commune_a1).count() == 1
