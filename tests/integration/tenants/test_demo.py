"""The demo loader fills units with real content, accounts and a survey, and
the citizens' side (questions, feedback, ratings, listen-back) the portals show."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def test_load_demo_fills_units_with_corpus_content_accounts_and_a_survey(
    tree, client_for
):
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
    check_portals_show_what_their_communes_did(tree, client_for)
    # Idempotent: a second run adds nothing.
    call_command("load_demo", province="90", no_progress=True)
    with tenant_context(tree.commune_a1):
        assert ArticlePage.objects.live().count() == articles.count()
    assert Survey.objects.filter(unit=tree.commune_a1).count() == 1
    from broadcast.models import Program
    from engage.models import Question

    assert Question.objects.filter(unit=tree.commune_a1).count() == 3
    assert Program.objects.filter(unit=tree.commune_a1, created_by="demo").count() == 2


def check_portals_show_what_their_communes_did(tree, client_for):
    """What the portal points promise is visible on a fresh demo: the Q&A
    answered, the communes' feedback results and listen-back on the
    district portal (with the unit filter), the ratings per level."""
    from broadcast.models import PlayLog, Program
    from engage.models import Feedback, Question, SiteRating

    commune = tree.commune_a1
    answered = Question.objects.filter(unit=commune, status="answered")
    assert answered.count() == 2
    qa = client_for(commune).get("/hoi-dap-truc-tuyen/").content.decode()
    assert "Đăng ký khai sinh cho con" in qa
    handled = Feedback.objects.filter(filed_with=commune, status="answered")
    assert handled.count() == 2 and handled.exclude(rating=None).count() == 2
    # Every step of the pipeline is in the history, not just the end.
    assert handled.first().events.count() >= 3
    results = client_for(tree.district_a).get("/phan-anh-kien-nghi/")
    assert "Đèn đường hỏng đoạn gần chợ" in results.content.decode()

    programs = Program.objects.filter(unit=commune, created_by="demo")
    assert programs.count() == 2
    assert all(p.audio.name.endswith(".mp3") for p in programs)
    assert PlayLog.objects.filter(program__in=programs, accepted=True).exists()
    listen = client_for(tree.district_a).get("/nghe-lai/", {"don-vi": commune.code})
    assert "Bản tin sáng: lịch tiêm chủng" in listen.content.decode()
    assert SiteRating.objects.filter(unit=commune).count() == 2

    connection.set_schema_to_public()  # the client's requests left a unit's
