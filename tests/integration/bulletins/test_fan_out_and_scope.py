"""Sending down: targets, officer scope, the delivery pipeline, emergency."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from bulletins import services
from bulletins.models import Delivery, DeliveryTransition
from bulletins.pipeline import InvalidStatus, can_transition
from bulletins.signals import bulletin_for_channel, delivery_state_changed
from tests.factories.bulletins import make_bulletin, make_officer, make_sent_bulletin

pytestmark = [pytest.mark.django_db]


def units_reached(item, channel="web"):
    return set(
        Delivery.objects.filter(bulletin=item, channel=channel).values_list(
            "unit__code", flat=True
        )
    )


def test_bulletin_to_district_subtree_reaches_its_communes_only(tree):
    item = make_sent_bulletin(
        make_officer(tree.district_a), root=tree.district_a, channels=["web"]
    )
    assert units_reached(item) == {"90101", "90102"}
    assert Delivery.objects.filter(bulletin=item).count() == 2
    delivery = Delivery.objects.get(bulletin=item, unit=tree.commune_a1)
    assert delivery.state == "sent"
    first = delivery.transitions.get()
    assert (first.from_state, first.to_state) == ("", "sent")


def test_province_bulletin_reaches_every_commune_on_every_channel(tree):
    item = make_sent_bulletin(
        make_officer(tree.province), root=tree.province, channels=["web", "board"]
    )
    assert units_reached(item) == {"90101", "90102", "90201"}
    assert units_reached(item, "board") == {"90101", "90102", "90201"}


def test_fan_out_runs_once_per_outbox_row(tree):
    item = make_sent_bulletin(make_officer(tree.district_a), root=tree.district_a)
    outbox = item.outbox.get()
    assert services.fan_out(outbox.pk) == 0
    assert Delivery.objects.filter(bulletin=item).count() == 2
    assert DeliveryTransition.objects.filter(delivery__bulletin=item).count() == 2


def test_district_officer_posting_outside_the_district_is_refused(tree):
    user = make_officer(tree.district_a)
    with pytest.raises(ValidationError) as refused:
        make_bulletin(user, units=[tree.commune_a1, tree.commune_b1])
    message = refused.value.messages[0]
    assert "Xã Bình Lợi" in message and "không thuộc phạm vi" in message
    with pytest.raises(ValidationError):
        make_bulletin(user, root=tree.district_b)
    with pytest.raises(ValidationError):
        make_bulletin(user, root=tree.province)
    # Inside the district is fine.
    assert make_bulletin(user, units=[tree.commune_a2]).pk


def test_officers_see_only_bulletins_of_their_subtree(tree):
    mine = make_bulletin(make_officer(tree.district_a), root=tree.district_a)
    theirs = make_bulletin(make_officer(tree.district_b), root=tree.district_b)
    seen_by_a = set(services.visible_bulletins(tree.district_a))
    assert mine in seen_by_a and theirs not in seen_by_a
    seen_by_province = set(services.visible_bulletins(tree.province))
    assert {mine, theirs} <= seen_by_province


def test_the_pipeline_is_checked_in_one_place(tree, django_capture_on_commit_callbacks):
    assert can_transition("sent", "received")
    assert can_transition("sent", "used")  # through "received"
    assert not can_transition("used", "sent")
    assert not can_transition("declined", "used")
    item = make_sent_bulletin(make_officer(tree.district_a), root=tree.district_a)
    heard = []

    def listener(sender, delivery, old_status, new_status, actor, **kwargs):
        heard.append((delivery.unit.code, old_status, new_status, actor))

    delivery_state_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.mark_delivery(
                item, tree.commune_a2, "web", "used", actor="Bảng tin 1", note="đã phát"
            )
        again = services.mark_delivery(item, tree.commune_a2, "web", "used")
        assert again.state == "used"
        with pytest.raises(InvalidStatus) as refused:
            services.mark_delivery(item, tree.commune_a2, "web", "declined")
        assert "Không thể chuyển" in str(refused.value)
        assert heard == [
            ("90102", "sent", "received", "Bảng tin 1"),
            ("90102", "received", "used", "Bảng tin 1"),
        ]
    finally:
        delivery_state_changed.disconnect(listener)
    steps = list(
        DeliveryTransition.objects.filter(
            delivery__bulletin=item, delivery__unit=tree.commune_a2
        ).values_list("from_state", "to_state", "actor")
    )
    assert steps == [
        ("", "sent", "Hệ thống"),
        ("sent", "received", "Bảng tin 1"),
        ("received", "used", "Bảng tin 1"),
    ]


def test_emergency_bulletin_goes_to_boards_and_speakers_at_once(tree):
    heard = []

    def listener(sender, bulletin, unit, channel, emergency, **kwargs):
        heard.append((unit.code, channel, emergency))

    bulletin_for_channel.connect(listener)
    try:
        item = make_sent_bulletin(
            make_officer(tree.district_a),
            root=tree.district_a,
            channels=["web", "board", "speaker"],
            priority="emergency",
            title="Khẩn cấp: bão số 3 đổ bộ",
        )
    finally:
        bulletin_for_channel.disconnect(listener)
    assert sorted(heard) == [
        ("90101", "board", True),
        ("90101", "speaker", True),
        ("90102", "board", True),
        ("90102", "speaker", True),
    ]
    for delivery in Delivery.objects.filter(
        bulletin=item, channel__in=["board", "speaker"]
    ):
        assert delivery.immediate and delivery.state == "used"
    # The website still waits for the commune's review.
    assert set(
        Delivery.objects.filter(bulletin=item, channel="web").values_list(
            "state", flat=True
        )
    ) == {"sent"}


def test_normal_bulletin_waits_for_the_commune(tree):
    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    bulletin_for_channel.connect(listener)
    try:
        item = make_sent_bulletin(
            make_officer(tree.district_a), root=tree.district_a, channels=["board"]
        )
    finally:
        bulletin_for_channel.disconnect(listener)
    assert heard == []
    assert set(
        Delivery.objects.filter(bulletin=item).values_list("state", flat=True)
    ) == {"sent"}


def test_commune_uses_bulletin_as_page_and_the_state_is_used(tree):
    from wagtail.models import Page

    item = make_sent_bulletin(
        make_officer(tree.district_a), root=tree.district_a, channels=["web"]
    )
    with tenant_context(tree.commune_a1):
        page = services.use_as_page(item, tree.commune_a1)
        assert Page.objects.get(pk=page.pk).title == item.title
        with pytest.raises(ValidationError):
            services.use_as_page(item, tree.commune_a1)
    delivery = Delivery.objects.get(bulletin=item, unit=tree.commune_a1)
    assert delivery.state == "used" and delivery.page_id == page.pk
    assert "chờ duyệt" in delivery.transitions.last().note
    with tenant_context(tree.commune_a2):
        assert not Page.objects.filter(title=item.title).exists()


def test_commune_declines_with_a_reason(tree):
    item = make_sent_bulletin(
        make_officer(tree.district_a), root=tree.district_a, channels=["web", "board"]
    )
    with pytest.raises(ValidationError):
        services.decline(item, tree.commune_a2, "  ")
    assert services.decline(item, tree.commune_a2, "Đã có thông tin tương tự") == 2
    states = set(
        Delivery.objects.filter(bulletin=item, unit=tree.commune_a2).values_list(
            "state", flat=True
        )
    )
    assert states == {"declined"}


def test_commune_passes_to_boards_and_speakers(tree):
    heard = []

    def listener(sender, bulletin, unit, channel, emergency, **kwargs):
        heard.append((unit.code, channel, emergency))

    item = make_sent_bulletin(
        make_officer(tree.district_a), root=tree.district_a, channels=["web", "speaker"]
    )
    bulletin_for_channel.connect(listener)
    try:
        assert services.pass_to_devices(item, tree.commune_a1) == ["speaker"]
    finally:
        bulletin_for_channel.disconnect(listener)
    assert heard == [("90101", "speaker", False)]


def test_expired_bulletins_close_open_deliveries(tree):
    import datetime as dt

    from django.utils import timezone

    item = make_sent_bulletin(
        make_officer(tree.district_a),
        root=tree.district_a,
        valid_until=timezone.now() + dt.timedelta(hours=1),
    )
    assert services.expire_deliveries() == 0
    assert services.expire_deliveries(timezone.now() + dt.timedelta(hours=2)) == 2
    assert set(
        Delivery.objects.filter(bulletin=item).values_list("state", flat=True)
    ) == {"expired"}


def test_late_received_report_from_a_device_changes_nothing(tree):
    """An emergency is used at once; a board's later "received" is a no-op."""
    item = make_sent_bulletin(
        make_officer(tree.district_a),
        root=tree.district_a,
        channels=["board"],
        priority="emergency",
        title="Khẩn cấp: triều cường",
    )
    delivery = Delivery.objects.get(bulletin=item, channel="board", unit__code="90101")
    assert delivery.state == "used"
    services.mark_delivery(item, delivery.unit, "board", "received")
    delivery.refresh_from_db()
    assert delivery.state == "used"
    with pytest.raises(InvalidStatus):
        services.mark_delivery(item, delivery.unit, "board", "sent")


def test_sent_bulletin_is_searchable_and_leaves_the_index_when_deleted(
    tree, django_capture_on_commit_callbacks
):
    from search import services as search

    user = make_officer(tree.district_a)
    with django_capture_on_commit_callbacks(execute=True):
        item = make_sent_bulletin(
            user, root=tree.district_a, title="Cảnh báo triều cường vùng ven sông"
        )
    found = search.search("trieu cuong", scope_unit=tree.commune_a1, scope="province")
    assert [hit.title for hit in found.hits] == ["Cảnh báo triều cường vùng ven sông"]
    item.delete()
    gone = search.search("trieu cuong", scope_unit=tree.commune_a1, scope="province")
    assert gone.total == 0 and gone.hits == []
