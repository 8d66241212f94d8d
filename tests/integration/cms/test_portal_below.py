"""Portals show what is below them: their communes' feedback results,
listen-back with a filter by unit, citizens' ratings per level; search
defaults to the whole subtree; the search facets never show "Root"."""

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _feedback(unit, title, status="answered"):
    from engage.models import Feedback

    item = Feedback.objects.create(
        unit=unit, filed_with=unit, title=title, body=f"{title}: chi tiết."
    )
    Feedback.objects.filter(pk=item.pk).update(
        status=status, answered_at=timezone.now(), answer="Đã sửa xong."
    )
    item.refresh_from_db()
    return item


def test_district_portal_lists_the_feedback_results_of_its_communes(tree, client_for):
    mine = _feedback(tree.commune_a1, "Đèn đường ấp 3 không sáng")
    _feedback(tree.commune_a2, "Cống thoát nước bị nghẹt")
    _feedback(tree.commune_a2, "Chưa xử lý xong", status="processing")
    _feedback(tree.commune_b1, "Phản ánh của huyện khác")
    html = client_for(tree.district_a).get("/phan-anh-kien-nghi/").content.decode()
    assert "Đèn đường ấp 3 không sáng" in html
    assert "Cống thoát nước bị nghẹt" in html
    assert "Chưa xử lý xong" not in html  # only published results
    assert "Phản ánh của huyện khác" not in html  # another district's commune
    # Linked on the commune's own host, where the detail page lives.
    link = f"//{tree.commune_a1.primary_hostname}/phan-anh-kien-nghi/{mine.code}/"
    assert link in html
    detail = client_for(tree.commune_a1).get(f"/phan-anh-kien-nghi/{mine.code}/")
    assert detail.status_code == 200
    # Filtered by unit.
    only = client_for(tree.district_a).get(
        "/phan-anh-kien-nghi/", {"don-vi": tree.commune_a2.code}
    )
    only = only.content.decode()
    assert "Cống thoát nước bị nghẹt" in only
    assert "Đèn đường ấp 3 không sáng" not in only
    # A commune still shows only its own.
    own = client_for(tree.commune_a2).get("/phan-anh-kien-nghi/").content.decode()
    assert "Đèn đường ấp 3 không sáng" not in own


def test_portal_listen_back_lists_the_communes_programmes_with_a_unit_filter(
    tree, client_for
):
    from broadcast import services
    from broadcast.models import Delivery, Dispatch
    from tests.factories.broadcast import make_cluster

    programs = {}
    for unit, title in (
        (tree.commune_a1, "Bản tin An Bình sáng thứ Hai"),
        (tree.commune_a2, "Bản tin An Hòa sáng thứ Hai"),
        (tree.commune_b1, "Bản tin Bình Lợi sáng thứ Hai"),
    ):
        program = services.create_tts_program(unit, title, "Kính thưa bà con.")
        cluster, _ = make_cluster(unit, "c", device_id=f"pb-{unit.code}")
        dispatch = Dispatch.objects.create(
            unit=unit, program=program, priority="normal", expires_at=timezone.now()
        )
        Delivery.objects.create(dispatch=dispatch, cluster=cluster, state="done")
        programs[unit.code] = program
    client = client_for(tree.district_a)
    html = client.get("/nghe-lai/").content.decode()
    assert "Bản tin An Bình sáng thứ Hai" in html
    assert "Bản tin An Hòa sáng thứ Hai" in html
    assert "Bản tin Bình Lợi sáng thứ Hai" not in html
    assert 'name="don-vi"' in html
    only = client.get("/nghe-lai/", {"don-vi": tree.commune_a2.code}).content.decode()
    assert "Bản tin An Hòa sáng thứ Hai" in only
    assert "Bản tin An Bình sáng thứ Hai" not in only
    # The portal plays the commune's audio (the page links it on its host).
    uid = programs[tree.commune_a1.code].uid
    assert client.get(f"/nghe-lai/{uid}/am-thanh/").status_code == 200
    # The commune's own page is unchanged: its programmes only, no filter.
    own = client_for(tree.commune_a1).get("/nghe-lai/").content.decode()
    assert "Bản tin An Hòa" not in own and 'name="don-vi"' not in own


def test_province_rating_page_shows_the_citizens_ratings_per_level(tree, client_for):
    from engage.models import SiteRating

    for unit, score in (
        (tree.district_a, 4),
        (tree.commune_a1, 5),
        (tree.commune_a1, 3),
        (tree.commune_b1, 2),
    ):
        SiteRating.objects.create(
            unit=unit, interface=score, content=score, usefulness=score
        )
    html = client_for(tree.province).get("/danh-gia-website/").content.decode()
    assert "Đánh giá của người dân theo cấp" in html
    assert "Cấp huyện: 4,0/5 (1 lượt)" in html
    # Communes: (5 + 3 + 2) / 3 weighted by ratings.
    assert "Cấp xã: 3,3/5 (3 lượt)" in html
    assert html.index("Xã An Bình") < html.index("Xã Bình Lợi")  # best first
    commune = client_for(tree.commune_a1).get("/danh-gia-website/").content.decode()
    assert "theo cấp" not in commune
