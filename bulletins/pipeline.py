"""The two pipelines of bulletins, as data (``base.pipeline``).

A bulletin::

    draft → sent → withdrawn

A delivery (one bulletin, one unit, one channel)::

    sent → received → used
                    → declined
    sent, received  → expired

Moving a delivery straight from "sent" to "used" or "declined" (a commune
acting on a bulletin it has not opened yet) passes through "received" first
(the cascade), so every delivery's history reads the same way.
"""

from django.utils import timezone

from base.pipeline import InvalidStatus, Pipeline

from .choices import BulletinStatus, DeliveryState
from .models import BulletinTransition, DeliveryTransition
from .signals import bulletin_status_changed, delivery_state_changed

__all__ = [
    "BULLETIN",
    "DELIVERY",
    "InvalidStatus",
    "OPEN_STATES",
    "can_transition",
    "set_state",
]

B = BulletinStatus


def _record_bulletin(bulletin, old, new, *, actor="", **context):
    BulletinTransition.objects.create(
        bulletin=bulletin, from_status=old, to_status=new, actor=actor[:200]
    )


BULLETIN = Pipeline(
    BulletinStatus,
    {
        B.DRAFT: (B.SENT,),
        B.SENT: (B.WITHDRAWN,),
        B.WITHDRAWN: (),
    },
    signal=bulletin_status_changed,
    instance_arg="bulletin",
    record=_record_bulletin,
    noun="thông tin nguồn",
)

S = DeliveryState
PIPELINE = {
    S.SENT: (S.RECEIVED, S.EXPIRED),
    S.RECEIVED: (S.USED, S.DECLINED, S.EXPIRED),
    S.USED: (),
    S.DECLINED: (),
    S.EXPIRED: (),
}
# Intermediate states passed through on the way to a target.
CASCADE = {
    (S.SENT, S.USED): (S.RECEIVED,),
    (S.SENT, S.DECLINED): (S.RECEIVED,),
}
OPEN_STATES = (S.SENT, S.RECEIVED)


def _record_delivery(delivery, old, new, *, final, actor="", note="", **context):
    DeliveryTransition.objects.create(
        delivery=delivery,
        from_state=old,
        to_state=new,
        actor=actor[:200],
        note=note if final else "",
    )


DELIVERY = Pipeline(
    DeliveryState,
    PIPELINE,
    cascade=CASCADE,
    field="state",
    signal=delivery_state_changed,
    instance_arg="delivery",
    record=_record_delivery,
    noun="lượt chuyển",
)


def can_transition(current, target):
    return DELIVERY.can_move(current, target)


def set_state(delivery, target, *, actor="", note=""):
    """Move a delivery to ``target``, recording who, when and why.

    Returns True when the state changed, False when it already was
    ``target`` (a repeated report is not an error). Raises InvalidStatus
    otherwise. Sends ``delivery_state_changed`` for each recorded step once
    the transaction commits.
    """
    return DELIVERY.set_status(
        delivery,
        target,
        changes={"changed_at": timezone.now()},
        actor=actor,
        note=note,
    )
