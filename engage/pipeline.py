"""The feedback status pipeline, as data (``base.pipeline``).

    received → accepted → in_progress → answered → closed
    received, accepted → rejected (with a reason)

Every change goes through ``Feedback.set_status``, which adds the rules
that need the feedback's fields (an answer, a reason) and then calls
``FEEDBACK.set_status``: checked here, one ``FeedbackEvent`` per step,
``engage.signals.feedback_status_changed`` after commit.
"""

from base.pipeline import InvalidStatus, Pipeline

from .choices import FeedbackStatus
from .signals import feedback_status_changed

__all__ = [
    "FEEDBACK",
    "FEEDBACK_PIPELINE",
    "FeedbackStatus",
    "InvalidStatus",
    "OPEN_STATUSES",
    "PUBLIC_STATUSES",
    "TRANSFERABLE_STATUSES",
    "allowed_next",
]

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


def record_event(feedback, old, new, *, actor="", note="", final=True, **context):
    """One FeedbackEvent per step, in the unit whose queue it is in."""
    feedback.events.create(
        unit_id=feedback.unit_id,
        from_status=old,
        to_status=new,
        actor=actor[:150],
        note=(note or "")[:2000],
    )


FEEDBACK = Pipeline(
    FeedbackStatus,
    FEEDBACK_PIPELINE,
    signal=feedback_status_changed,
    instance_arg="feedback",
    record=record_event,
    noun="phản ánh",
)


def allowed_next(status):
    return FEEDBACK.allowed_next(status)
