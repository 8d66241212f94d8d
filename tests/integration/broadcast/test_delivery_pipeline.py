"""The speaker delivery pipeline: transitions, signals on commit, rows
written queued with the dispatch and moved in bulk, with their history."""

import pytest
from django.utils import timezone

from broadcast import services
from broadcast.models import (
    Delivery,
    DeliveryTransition,
    Dispatch,
    Program,
)
from broadcast.pipeline import (
    InvalidStatus,
    advance_pairs,
    bulk_set_state,
    record_new,
    set_state,
)
from broadcast.signals import delivery_state_changed
from tests.factories.broadcast import make_cluster

pytestmark = pytest.mark.django_db


def test_pipeline_refuses_a_jump_back_and_signals_each_change(
    tree, django_capture_on_commit_callbacks
):
    program = Program.objects.create(unit=tree.commune_a1, title="x")
    cluster, _ = make_cluster(tree.commune_a1, "c", device_id="pipe-1")
    dispatch = Dispatch.objects.create(
        unit=tree.commune_a1,
        program=program,
        priority="normal",
        expires_at=timezone.now(),
    )
    delivery = Delivery.objects.create(dispatch=dispatch, cluster=cluster)
    seen = []
    handler = lambda sender, delivery, old_status, new_status, **kw: seen.append(  # noqa: E731
        (old_status, new_status)
    )
    delivery_state_changed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert set_state(delivery, "sent")
            assert set_state(delivery, "acknowledged")
            assert not set_state(delivery, "acknowledged")  # a repeat is a no-op
            with pytest.raises(InvalidStatus):
                set_state(delivery, "queued")
            assert not set_state(delivery, "sent", strict=False)
            assert set_state(delivery, "done")
    finally:
        delivery_state_changed.disconnect(handler)
    assert seen == [
        ("queued", "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "done"),
    ]
    delivery.refresh_from_db()
    assert delivery.state == "done" and delivery.acknowledged_at
    history = DeliveryTransition.of(delivery).values_list("from_state", "to_state")
    assert list(history) == [
        ("queued", "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "done"),
    ]


def test_rows_are_written_queued_with_the_dispatch_and_move_with_their_history(
    tree, django_capture_on_commit_callbacks
):
    program = Program.objects.create(unit=tree.commune_b1, title="x")
    clusters = [
        make_cluster(tree.commune_b1, f"c{i}", device_id=f"bulk-{i}")[0]
        for i in range(4)
    ]
    dispatch = services.dispatch_program(program, units=[tree.commune_b1])
    # Decided, not yet published: the outbox names the devices and each has
    # its row, "queued", so an ack can be recorded the moment it comes.
    assert dispatch.target_count == 4
    assert sorted(dispatch.deliveries.values_list("cluster_id", "state")) == [
        (c.pk, "queued") for c in clusters
    ]
    assert not dispatch.transitions.exists()
    ids = [c.pk for c in clusters]
    seen = []
    handler = lambda sender, delivery, old_status, new_status, **kw: seen.append(  # noqa: E731
        (old_status, new_status)
    )
    delivery_state_changed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert record_new(dispatch.pk, ids[:3], "sent") == 3
            # A second publish (a retry) moves nothing again.
            assert record_new(dispatch.pk, ids[:3], "sent") == 0
            rows = list(dispatch.deliveries.filter(state="sent").order_by("pk"))
            moved = bulk_set_state(rows[:2], "acknowledged", source="device")
            assert len(moved) == 2
            # Stale copies: the rule is checked against the database, once.
            assert bulk_set_state(rows[:2], "acknowledged") == []
            with pytest.raises(InvalidStatus):
                record_new(dispatch.pk, ids[3:], "preempted")
            assert record_new(dispatch.pk, ids[3:], "expired", attempts=0) == 1
    finally:
        delivery_state_changed.disconnect(handler)
    assert sorted(seen) == sorted(
        [("queued", "sent")] * 3
        + [("sent", "acknowledged")] * 2
        + [("queued", "expired")]
    )
    states = sorted(dispatch.deliveries.values_list("state", flat=True))
    assert states == ["acknowledged", "acknowledged", "expired", "sent"]
    assert dispatch.deliveries.filter(acknowledged_at__isnull=False).count() == 2
    # One history row per group move, naming every delivery it moved.
    history = list(
        dispatch.transitions.values_list("from_state", "to_state", "delivery_ids")
    )
    assert [(a, b, len(c)) for a, b, c in history] == [
        ("queued", "sent", 3),
        ("sent", "acknowledged", 2),
        ("queued", "expired", 1),
    ]


def test_a_missing_row_is_created_when_its_copy_is_published(tree):
    """An outbox row written before rows came with the dispatch (an older
    version's, or one whose rows were removed) still gets its rows."""
    program = Program.objects.create(unit=tree.commune_b1, title="x")
    cluster, _ = make_cluster(tree.commune_b1, "c", device_id="legacy-1")
    dispatch = services.dispatch_program(program, units=[tree.commune_b1])
    dispatch.deliveries.all().delete()
    assert record_new(dispatch.pk, [cluster.pk], "sent") == 1
    row = dispatch.deliveries.get()
    assert (row.state, row.attempts) == ("sent", 1) and row.sent_at


def test_acks_move_exact_pairs_of_several_dispatches(tree):
    """The listener's batch: (dispatch A, device 1) and (dispatch B, device
    2) move those two rows only, not A's row of device 2 nor B's of 1."""
    program = Program.objects.create(unit=tree.commune_b1, title="x")
    one, _ = make_cluster(tree.commune_b1, "1", device_id="pair-1")
    two, _ = make_cluster(tree.commune_b1, "2", device_id="pair-2")
    a = services.dispatch_program(program, units=[tree.commune_b1])
    b = services.dispatch_program(program, units=[tree.commune_b1])
    moved = advance_pairs([(a.pk, one.pk), (b.pk, two.pk)], "playing")
    assert sorted((m[1], m[2], m[3]) for m in moved) == sorted(
        [(a.pk, "queued", one.pk), (b.pk, "queued", two.pk)]
    )
    states = dict(
        ((d, c), state)
        for d, c, state in Delivery.objects.filter(dispatch__in=[a, b]).values_list(
            "dispatch_id", "cluster_id", "state"
        )
    )
    assert states == {
        (a.pk, one.pk): "playing",
        (a.pk, two.pk): "queued",
        (b.pk, one.pk): "queued",
        (b.pk, two.pk): "playing",
    }
    row = Delivery.objects.get(dispatch=a, cluster=one)
    # A device that answered had the command: sent and acknowledged then.
    assert row.sent_at and row.acknowledged_at
    # A repeat moves nothing and writes no history.
    before = DeliveryTransition.objects.count()
    assert advance_pairs([(a.pk, one.pk)], "playing") == []
    assert DeliveryTransition.objects.count() == before


def test_stop_before_publish_stops_the_queued_rows_and_sends_nothing(tree):
    program = Program.objects.create(unit=tree.commune_b1, title="x")
    make_cluster(tree.commune_b1, "c", device_id="early-stop")
    dispatch = services.dispatch_program(program, units=[tree.commune_b1])
    assert services.stop_dispatch(dispatch) == 0  # no device holds it
    row = dispatch.deliveries.get()
    assert (row.state, row.detail) == ("stopped", "Đã dừng trước khi gửi")
    outbox = list(dispatch.outbox.values_list("payload__type", "sent_at"))
    # The play never leaves; no stop command is needed.
    assert [kind for kind, _ in outbox] == ["play"] and outbox[0][1] is not None
