"""The pipelines' data: what each allows, what it refuses and the Vietnamese
message a person sees when it refuses (no database)."""

import pytest
from django.core.exceptions import ValidationError

from base.pipeline import InvalidStatus, Pipeline
from broadcast.pipeline import DELIVERY as SPEAKER_DELIVERY
from bulletins.pipeline import BULLETIN
from bulletins.pipeline import DELIVERY as BULLETIN_DELIVERY
from engage.pipeline import FEEDBACK

REFUSED = [
    # pipeline, from, to, message
    (
        BULLETIN,
        "withdrawn",
        "sent",
        "Không thể chuyển thông tin nguồn từ “Đã thu hồi” sang “Đã duyệt và gửi”.",
    ),
    (
        BULLETIN_DELIVERY,
        "used",
        "sent",
        "Không thể chuyển lượt chuyển từ “Đã sử dụng” sang “Đã gửi”.",
    ),
    (
        FEEDBACK,
        "received",
        "answered",
        "Không thể chuyển phản ánh từ “Đã tiếp nhận” sang “Đã trả lời”.",
    ),
    (
        SPEAKER_DELIVERY,
        "done",
        "playing",
        "Không thể chuyển lượt phát từ “Đã phát xong” sang “Đang phát”.",
    ),
]


@pytest.mark.parametrize(("pipeline", "old", "new", "message"), REFUSED)
def test_each_pipeline_refuses_a_move_it_does_not_allow_in_vietnamese(
    pipeline, old, new, message
):
    assert not pipeline.can_move(old, new)
    with pytest.raises(InvalidStatus) as refused:
        pipeline.check(old, new)
    assert str(refused.value) == message
    assert (refused.value.old, refused.value.new) == (old, new)
    # Views and forms that show a ValidationError's messages show it too.
    assert isinstance(refused.value, ValidationError)
    assert refused.value.messages == [message]


def test_a_cascade_passes_through_its_steps_and_each_step_must_be_allowed():
    assert BULLETIN_DELIVERY.check("sent", "used") == ("received", "used")
    assert BULLETIN_DELIVERY.check("sent", "declined") == ("received", "declined")
    assert BULLETIN_DELIVERY.check("received", "used") == ("used",)
    assert FEEDBACK.path("received", "closed") is None  # no cascade declared


def test_terminal_states_and_sources_are_read_from_the_data():
    assert BULLETIN.terminal == {"withdrawn"}
    assert FEEDBACK.terminal == {"closed", "rejected"}
    assert set(SPEAKER_DELIVERY.sources_of("preempted")) == {
        "acknowledged",
        "playing",
        "expired",  # a plan item played offline, reported after expiry
    }
    assert BULLETIN.allowed_next("draft") == ("sent",)


def test_a_pipeline_must_say_what_follows_every_state():
    from engage.choices import FeedbackStatus

    with pytest.raises(ValueError, match="without transitions"):
        Pipeline(FeedbackStatus, {FeedbackStatus.RECEIVED: ()})
