"""Every pipeline built on base.pipeline: a move it refuses changes nothing
and says why in Vietnamese; a move it allows is recorded at once but its
signal waits for the commit (a receiver never sees a rolled-back change,
and the work it queues sees the committed row)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from base.pipeline import InvalidStatus
from broadcast import pipeline as speaker_pipeline
from broadcast import services as broadcast
from broadcast.models import Delivery as SpeakerDelivery
from broadcast.models import DeliveryTransition as SpeakerTransition
from broadcast.models import Dispatch, Program
from broadcast.signals import delivery_state_changed as speaker_changed
from bulletins import services as bulletins
from bulletins.models import Delivery, DeliveryTransition
from bulletins.pipeline import BULLETIN, set_state
from bulletins.signals import bulletin_status_changed, delivery_state_changed
from engage import services as engage
from engage.models import FeedbackEvent
from engage.signals import feedback_status_changed
from tests.factories.bulletins import make_bulletin, make_officer, make_sent_bulletin

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def heard():
    """Listen to a signal for one test: heard(signal) → the list of
    (old_status, new_status) it sends."""
    connected = []

    def listen(signal):
        seen = []

        def listener(sender, old_status, new_status, **kwargs):
            seen.append((old_status, new_status))

        signal.connect(listener)
        connected.append((signal, listener))
        return seen

    yield listen
    for signal, listener in connected:
        signal.disconnect(listener)


def run(callbacks):
    for callback in callbacks:
        callback()


def test_bulletin_status_refuses_resending_a_withdrawn_bulletin_and_signals_on_commit(
    tree, heard, django_capture_on_commit_callbacks
):
    user = make_officer(tree.district_a)
    item = make_bulletin(user, root=tree.district_a)
    seen = heard(bulletin_status_changed)
    with django_capture_on_commit_callbacks() as callbacks:
        bulletins.send_bulletin(item, user=user)
        item.refresh_from_db()
        assert item.status == "sent"
    assert seen == []
    run(callbacks)
    assert seen == [("draft", "sent")]

    with django_capture_on_commit_callbacks(execute=True):
        bulletins.withdraw_bulletin(item, user=user)
    assert seen[-1] == ("sent", "withdrawn")
    with pytest.raises(InvalidStatus) as refused:
        BULLETIN.set_status(item, "sent")
    assert str(refused.value) == (
        "Không thể chuyển thông tin nguồn từ “Đã thu hồi” sang “Đã duyệt và gửi”."
    )
    with pytest.raises(ValidationError, match="Không thể chuyển thông tin nguồn"):
        bulletins.send_bulletin(item, user=user)
    item.refresh_from_db()
    assert item.status == "withdrawn" and len(seen) == 2


def test_bulletin_delivery_refuses_going_back_and_signals_each_step_on_commit(
    tree, heard, django_capture_on_commit_callbacks
):
    item = make_sent_bulletin(make_officer(tree.district_a), root=tree.district_a)
    delivery = Delivery.objects.get(bulletin=item, unit=tree.commune_a1)
    seen = heard(delivery_state_changed)
    with django_capture_on_commit_callbacks() as callbacks:
        assert set_state(delivery, "used", actor="Cán bộ xã")
        assert Delivery.objects.get(pk=delivery.pk).state == "used"
    assert seen == []
    run(callbacks)
    assert seen == [("sent", "received"), ("received", "used")]

    history = DeliveryTransition.objects.filter(delivery=delivery).count()
    with pytest.raises(InvalidStatus) as refused:
        set_state(delivery, "sent")
    assert str(refused.value) == (
        "Không thể chuyển lượt chuyển từ “Đã sử dụng” sang “Đã gửi”."
    )
    assert Delivery.objects.get(pk=delivery.pk).state == "used"
    assert DeliveryTransition.objects.filter(delivery=delivery).count() == history


def test_feedback_refuses_closing_an_unanswered_feedback_and_signals_on_commit(
    tree, heard, django_capture_on_commit_callbacks
):
    feedback = engage.file_feedback(
        unit=tree.commune_a1,
        title="Ổ gà trên đường liên xã",
        body="Đường có nhiều ổ gà lớn.",
        category="ha-tang",
    )
    seen = heard(feedback_status_changed)
    with django_capture_on_commit_callbacks() as callbacks:
        feedback.set_status("accepted", actor="Cán bộ xã")
        assert FeedbackEvent.objects.filter(feedback=feedback).count() == 1
    assert seen == []
    run(callbacks)
    assert seen == [("received", "accepted")]

    with pytest.raises(InvalidStatus) as refused:
        feedback.set_status("closed")
    assert str(refused.value) == (
        "Không thể chuyển phản ánh từ “Đã thụ lý” sang “Đã kết thúc”."
    )
    feedback.refresh_from_db()
    assert feedback.status == "accepted"
    assert FeedbackEvent.objects.filter(feedback=feedback).count() == 1


def test_speaker_delivery_refuses_a_move_back_and_signals_on_commit(
    tree, heard, django_capture_on_commit_callbacks
):
    program = Program.objects.create(unit=tree.commune_b1, title="Bản tin sáng")
    cluster, _ = broadcast.create_cluster(tree.commune_b1, "Cụm ấp 1")
    dispatch = Dispatch.objects.create(
        unit=tree.commune_b1,
        program=program,
        priority="normal",
        expires_at=timezone.now(),
    )
    delivery = SpeakerDelivery.objects.create(dispatch=dispatch, cluster=cluster)
    seen = heard(speaker_changed)
    with django_capture_on_commit_callbacks() as callbacks:
        assert speaker_pipeline.set_state(delivery, "done")
        # One bulk path on top of the same rules and the same signal.
        assert speaker_pipeline.bulk_set_state([delivery], "failed") == []
    assert seen == []
    run(callbacks)
    assert seen == [("queued", "done")]
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is not None

    with pytest.raises(InvalidStatus) as refused:
        speaker_pipeline.set_state(delivery, "playing")
    assert str(refused.value) == (
        "Không thể chuyển lượt phát từ “Đã phát xong” sang “Đang phát”."
    )
    assert not speaker_pipeline.set_state(delivery, "playing", strict=False)
    delivery.refresh_from_db()
    assert delivery.state == "done"
    assert SpeakerTransition.of(delivery).count() == 1
