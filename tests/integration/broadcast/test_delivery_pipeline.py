"""The speaker delivery pipeline: transitions, signals on commit, rows
written in bulk after publishing, with their history."""

import pytest
from django.utils import timezone

from broadcast import services
from broadcast.models import (
    Delivery,
    DeliveryTransition,
    Dispatch,
    Program,
)
from broadcast.pipeline import InvalidStatus, bulk_set_state, record_new, set_state
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


def test_rows_are_written_in_bulk_after_publishing_with_their_history(
    tree, django_capture_on_commit_callbacks
):
    program = Program.objects.create(unit=tree.commune_b1, title="x")
    clusters = [
        make_cluster(tree.commune_b1, f"c{i}", device_id=f"bulk-{i}")[0]
        for i in range(4)
    ]
    dispatch = services.dispatch_program(program, units=[tree.commune_b1])
    # Decided, not yet published: the outbox names the devices, no rows yet.
    assert dispatch.target_count == 4 and not dispatch.deliveries.exists()
    ids = [c.pk for c in clusters]
    seen = []
    handler = lambda sender, delivery, old_status, new_status, **kw: seen.append(  # noqa: E731
        (old_status, new_status)
    )
    delivery_state_changed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert record_new(dispatch.pk, ids[:3], "sent") == 3
            # A second publish (a retry) creates nothing new.
            assert record_new(dispatch.pk, ids[:3], "sent") == 0
            rows = list(dispatch.deliveries.all())
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
