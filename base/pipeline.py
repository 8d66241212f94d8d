"""One shape for every status pipeline (django-oscar's ``set_status``).

An app declares its states in ``<app>/choices.py`` and its pipeline as data
in ``<app>/pipeline.py``::

    FEEDBACK = Pipeline(
        FeedbackStatus,
        transitions={S.RECEIVED: (S.ACCEPTED, S.REJECTED), ...},
        cascade={(S.SENT, S.USED): (S.RECEIVED,)},   # steps passed through
        signal=feedback_status_changed,
        instance_arg="feedback",
        record=record_event,                       # history row per step
        noun="phản ánh",
    )
    FEEDBACK.set_status(feedback, S.ACCEPTED, actor="…", note="…")

``set_status`` is the one place a status changes: it locks the row, checks
the move (raising ``InvalidStatus`` with a Vietnamese message), walks the
cascade, writes the new status (and any ``changes``) with one UPDATE,
records one history row per step and, once the transaction commits, sends
the app's signal per step with ``old_status`` and ``new_status`` (plus the
context given: actor, note…). Receivers therefore never see a change that
was rolled back, and a worker they queue sees the committed row.

Paths that write many rows at once (broadcast's bulk UPDATE) check with
``can_move``/``sources_of`` and announce with ``notify``: the same rules,
the same signal.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.expressions import Combinable


class InvalidStatus(ValidationError):
    """A status change a pipeline does not allow. ``str()`` is the
    Vietnamese message shown to the person who tried it; being a
    ValidationError, views and forms that show refusals show it too (never
    a 500)."""

    def __init__(self, message, *, old=None, new=None):
        super().__init__(message, code="invalid_status")
        self.old = old
        self.new = new

    def __str__(self):
        return self.message


class Pipeline:
    """Transitions and cascades as data, checked and applied in one place.

    ``states``: the TextChoices of the status field. ``transitions``: state →
    the states that may follow it. ``cascade``: (from, to) → the states
    passed through on the way (each step must itself be allowed).
    ``field``: the model field holding the status. ``signal``: sent per step
    after commit, with ``sender=<model>``, ``<instance_arg>=obj``,
    ``old_status``, ``new_status`` and the context. ``record(obj, old, new,
    **context)`` writes the history row of one step. ``noun`` names the
    thing in messages ("phản ánh", "lượt chuyển").
    """

    def __init__(
        self,
        states,
        transitions,
        *,
        cascade=None,
        field="status",
        signal=None,
        instance_arg="instance",
        record=None,
        noun="",
    ):
        missing = set(states) - set(transitions)
        if missing:
            raise ValueError(f"states without transitions: {sorted(missing)}")
        self.states = states
        self.transitions = {states(k): tuple(v) for k, v in transitions.items()}
        self.cascade = {
            (states(a), states(b)): tuple(v) for (a, b), v in (cascade or {}).items()
        }
        self.field = field
        self.signal = signal
        self.instance_arg = instance_arg
        self.record = record
        self.noun = noun

    # --- the data -------------------------------------------------------------

    @property
    def terminal(self):
        """States nothing may follow."""
        return {s for s, nxt in self.transitions.items() if not nxt}

    def allowed_next(self, current):
        """The states that may directly follow ``current``."""
        return self.transitions.get(self.states(current), ())

    def sources_of(self, new):
        """The states from which ``new`` may directly follow."""
        new = self.states(new)
        return [s for s, nxt in self.transitions.items() if new in nxt]

    def path(self, current, new):
        """The steps from ``current`` to ``new`` (cascade included), or None
        when the pipeline does not allow it."""
        current, new = self.states(current), self.states(new)
        steps = (*self.cascade.get((current, new), ()), new)
        state = current
        for step in steps:
            if step not in self.transitions.get(state, ()):
                return None
            state = step
        return steps

    def route(self, current, new):
        """The shortest walk of single moves from ``current`` to ``new`` (not
        including ``current``), or None: for actions that take the steps in
        between on the user's behalf, each recorded as itself."""
        current, new = self.states(current), self.states(new)
        frontier, seen = [(current, ())], {current}
        while frontier:
            state, walked = frontier.pop(0)
            for step in self.transitions.get(state, ()):
                if step == new:
                    return (*walked, step)
                if step not in seen:
                    seen.add(step)
                    frontier.append((step, (*walked, step)))
        return None

    def can_move(self, current, new):
        return self.path(current, new) is not None

    def refusal(self, current, new):
        """The Vietnamese message for a move the pipeline does not allow."""
        current, new = self.states(current), self.states(new)
        what = f" {self.noun}" if self.noun else ""
        return f"Không thể chuyển{what} từ “{current.label}” sang “{new.label}”."

    def check(self, current, new):
        """The steps from ``current`` to ``new``; raises InvalidStatus."""
        steps = self.path(current, new)
        if steps is None:
            raise InvalidStatus(self.refusal(current, new), old=current, new=new)
        return steps

    # --- applying it ------------------------------------------------------------

    def set_status(self, obj, new, *, changes=None, **context):
        """Move ``obj`` to ``new``: True when it moved, False when it already
        was there (a repeated report is not an error). Raises InvalidStatus.

        The row is locked and its status re-read, so a concurrent writer is
        never overwritten with a stale decision. ``changes`` are other
        fields written in the same UPDATE (expressions allowed).
        """
        new = self.states(new)
        model = type(obj)
        with transaction.atomic():
            current = (
                model.objects.select_for_update()
                .filter(pk=obj.pk)
                .values_list(self.field, flat=True)
                .get()
            )
            current = self.states(current)
            setattr(obj, self.field, current)
            if current == new:
                return False
            steps = self.check(current, new)
            values = {self.field: new.value, **(changes or {})}
            model.objects.filter(pk=obj.pk).update(**values)
            computed = [k for k, v in values.items() if isinstance(v, Combinable)]
            for key, value in values.items():
                if key not in computed:
                    setattr(obj, key, value)
            if computed:
                obj.refresh_from_db(fields=computed)
            moves = list(zip((current, *steps[:-1]), steps, strict=True))
            if self.record is not None:
                for old, step in moves:
                    self.record(obj, old, step, final=step == new, **context)
            self.notify([(obj, old, step) for old, step in moves], **context)
        return True

    def notify(self, moves, **context):
        """Send the signal for each (obj, old, new) once the transaction
        commits (at once outside a transaction)."""
        if self.signal is None or not moves:
            return
        sender = type(moves[0][0])
        if not self.signal.has_listeners(sender):
            return
        moves = list(moves)

        def send():
            for obj, old, new in moves:
                self.signal.send(
                    sender=sender,
                    **{self.instance_arg: obj},
                    old_status=old,
                    new_status=new,
                    **context,
                )

        transaction.on_commit(send)
