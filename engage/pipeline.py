"""The feedback status pipeline, as data (django-oscar style).

``FEEDBACK_PIPELINE`` says which statuses may follow which; every change
goes through ``Feedback.set_status`` which checks it here, records an event
and then sends ``engage.signals.feedback_status_changed``.
"""

from django.db import models


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", "Đã tiếp nhận"
    ACCEPTED = "accepted", "Đã thụ lý"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    ANSWERED = "answered", "Đã trả lời"
    CLOSED = "closed", "Đã kết thúc"
    REJECTED = "rejected", "Từ chối"


S = FeedbackStatus
FEEDBACK_PIPELINE = {
    S.RECEIVED: (S.ACCEPTED, S.REJECTED),
    S.ACCEPTED: (S.IN_PROGRESS, S.REJECTED),
    S.IN_PROGRESS: (S.ANSWERED,),
    S.ANSWERED: (S.CLOSED,),
    S.CLOSED: (),
    S.REJECTED: (),
}
# Still waiting for the unit: these count towards the deadline.
OPEN_STATUSES = (S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS)
# A feedback may be sent up to the parent unit while still open.
TRANSFERABLE_STATUSES = (S.RECEIVED, S.ACCEPTED)
PUBLIC_STATUSES = (S.ANSWERED, S.CLOSED)


class TransitionError(Exception):
    """A status change the pipeline does not allow (message in Vietnamese)."""


def allowed_next(status):
    return FEEDBACK_PIPELINE.get(FeedbackStatus(status), ())


def check_transition(old, new, *, reason=""):
    if FeedbackStatus(new) not in allowed_next(old):
        raise TransitionError(
            f"Không thể chuyển từ “{FeedbackStatus(old).label}” sang "
            f"“{FeedbackStatus(new).label}”."
        )
    if new == S.REJECTED and not (reason or "").strip():
        raise TransitionError("Từ chối phải nêu rõ lý do.")
