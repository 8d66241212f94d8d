"""The delivery state pipeline, as data, and the one place it is enforced.

    sent → received → used
                    → declined
    sent, received  → expired

Moving straight from "sent" to "used" or "declined" (a commune acting on a
bulletin it has not opened yet) passes through "received" first, so every
delivery's history reads the same way.
"""

from django.db import transaction

from .models import Delivery, DeliveryState, DeliveryTransition
from .signals import delivery_state_changed

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


class TransitionNotAllowed(ValueError):
    """A state change the pipeline does not allow (message in Vietnamese)."""


def can_transition(current, target):
    steps = (*CASCADE.get((current, target), ()), target)
    state = current
    for step in steps:
        if step not in PIPELINE.get(state, ()):
            return False
        state = step
    return True


def set_state(delivery, target, *, actor="", note=""):
    """Move a delivery to ``target``, recording who, when and why.

    Returns True when the state changed, False when it already was
    ``target`` (a repeated report is not an error). Raises
    TransitionNotAllowed otherwise. Sends ``delivery_state_changed`` after
    each recorded step, once the transaction commits.
    """
    target = S(target)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        current = S(locked.state)
        if current == target:
            delivery.state = current
            return False
        if not can_transition(current, target):
            raise TransitionNotAllowed(
                f"Không thể chuyển từ «{current.label}» sang «{target.label}»."
            )
        steps = (*CASCADE.get((current, target), ()), target)
        state = current
        for step in steps:
            DeliveryTransition.objects.create(
                delivery=locked,
                from_state=state,
                to_state=step,
                actor=actor[:200],
                note=note if step == target else "",
            )
            transaction.on_commit(
                lambda s=state, t=step: delivery_state_changed.send(
                    sender=Delivery,
                    delivery=locked,
                    from_state=s,
                    to_state=t,
                    actor=actor,
                )
            )
            state = step
        locked.state = target
        locked.save(update_fields=["state", "changed_at"])
    delivery.state = target
    delivery.changed_at = locked.changed_at
    return True
