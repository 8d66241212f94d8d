"""P5: ``manage.py reindex --clear`` rebuilds what apps register through
search.registry (bulletins and answered questions), not only pages."""

import pytest
from django.core.management import call_command

from bulletins import services as bulletins
from engage import services as engage
from search import services as search
from tests.factories.bulletins import make_officer, make_sent_bulletin

pytestmark = [pytest.mark.django_db]


def titles(query, unit):
    found = search.search(query, scope_unit=unit, scope="province")
    return [hit.title for hit in found.hits]


def test_reindex_clear_keeps_bulletins_and_answered_questions_searchable(
    tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = make_sent_bulletin(
            make_officer(tree.province),
            root=tree.province,
            title="Khuyến cáo phòng chống sốt xuất huyết mùa mưa",
        )
        question = engage.ask_question(
            unit=tree.commune_a1,
            title="Hồ sơ cấp đổi thẻ bảo hiểm y tế gồm những gì?",
            body="Tôi muốn đổi thẻ bảo hiểm y tế cho con.",
            name="Nguyễn Văn An",
        )
        engage.answer_question(question, answer="Mang theo căn cước và thẻ cũ.")
    assert titles("sot xuat huyet", tree.commune_a1) == [bulletin.title]
    assert titles("the bao hiem y te", tree.commune_a1) == [question.title]

    with django_capture_on_commit_callbacks(execute=True):
        for unit in (tree.province, tree.commune_a1):
            call_command("reindex", unit=unit.code, clear=True, no_progress=True)

    assert titles("sot xuat huyet", tree.commune_a1) == [bulletin.title]
    assert titles("the bao hiem y te", tree.commune_a1) == [question.title]
    assert search.count_documents(tree.province) >= 1


def test_a_withdrawn_bulletin_leaves_the_index_and_stays_out_after_reindex(
    tree, django_capture_on_commit_callbacks
):
    user = make_officer(tree.province)
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = make_sent_bulletin(
            user, root=tree.province, title="Lịch cắt điện luân phiên tháng mười hai"
        )
    assert titles("cat dien luan phien", tree.commune_a2) == [bulletin.title]
    with django_capture_on_commit_callbacks(execute=True):
        bulletins.withdraw_bulletin(bulletin, user=user)
    assert titles("cat dien luan phien", tree.commune_a2) == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reindex", unit=tree.province.code, clear=True, no_progress=True)
    assert titles("cat dien luan phien", tree.commune_a2) == []
