"""The per-device delivery pipeline, as data (``base.pipeline``).

    queued -> sent -> acknowledged -> playing -> done
    any live state -> failed | expired;  playing/acknowledged -> preempted
    sent/acknowledged/playing -> stopped (a stop command, acknowledged)
    expired -> done | preempted (the device aired it from its plan while
        offline, and its report came after the command expired)

The functions here are the only code that writes ``Delivery.state``:
``set_state`` (one row, through ``DELIVERY.set_status``), and the paths on
top for the volumes devices bring: ``create_queued`` (a dispatch's rows,
written with it in one INSERT, so the listener records an ack the moment
it arrives), ``bulk_set_state`` (many rows, one UPDATE), ``advance`` (the
rows of a dispatch's devices, one UPDATE without reading them first) and
``record_new`` (queued -> sent once the broker accepted the publish,
creating a row still missing). All of them check
the same ``DELIVERY_PIPELINE``, stamp the rows, record the history
(``DeliveryTransition``, one row per move of a group of deliveries) and send
``signals.delivery_state_changed`` (``old_status``/``new_status``) per
delivery after commit.
Device messages can arrive out of order (a ``done`` before its ``playing``)
and twice (QoS 1 is at least once), so a jump forward along the pipeline is
allowed and a repeat is a no-op.
"""

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from base.pipeline import InvalidStatus, Pipeline

from .choices import DeliveryState
from .models import Delivery, DeliveryTransition
from .signals import delivery_state_changed

__all__ = [
    "DELIVERY",
    "DELIVERY_PIPELINE",
    "DeliveryState",
    "InvalidStatus",
    "advance",
    "advance_pairs",
    "bulk_set_state",
    "can_move",
    "create_queued",
    "record_new",
    "set_state",
]

S = DeliveryState
DELIVERY_PIPELINE = {
    # Stopped: "Dừng phát ngay" before the command was published.
    S.QUEUED: [
        S.SENT,
        S.ACKNOWLEDGED,
        S.PLAYING,
        S.DONE,
        S.FAILED,
        S.EXPIRED,
        S.STOPPED,
    ],
    S.SENT: [S.ACKNOWLEDGED, S.PLAYING, S.DONE, S.FAILED, S.EXPIRED, S.STOPPED],
    S.ACKNOWLEDGED: [
        S.PLAYING,
        S.DONE,
        S.FAILED,
        S.EXPIRED,
        S.PREEMPTED,
        S.STOPPED,
    ],
    S.PLAYING: [S.DONE, S.FAILED, S.PREEMPTED, S.STOPPED],
    S.DONE: [],
    S.FAILED: [],
    # The platform gave up on the command, but the device played the same
    # plan item offline and proved it with an accepted play report
    # (services.plays.settle_reported_plays).
    S.EXPIRED: [S.DONE, S.PREEMPTED],
    S.PREEMPTED: [],
    S.STOPPED: [],
}
TERMINAL = {state for state, nxt in DELIVERY_PIPELINE.items() if not nxt}
# Still on its way (expired may only be corrected by a report, never resent).
LIVE = set(DELIVERY_PIPELINE) - TERMINAL - {S.EXPIRED}
# States in which a device has taken the command.
TAKEN = {S.ACKNOWLEDGED, S.PLAYING, S.DONE}
# States that mean the command reached the broker (and the device).
SENT_BY = {S.SENT, S.ACKNOWLEDGED, S.PLAYING, S.DONE, S.FAILED, S.PREEMPTED}


def _history(moves, new, when, source=""):
    """One DeliveryTransition per (dispatch, old state) group of ``moves``
    [(delivery_id, dispatch_id, old)]."""
    groups = {}
    for delivery_id, dispatch_id, old, *_ in moves:
        groups.setdefault((dispatch_id, old), []).append(delivery_id)
    DeliveryTransition.objects.bulk_create(
        [
            DeliveryTransition(
                dispatch_id=dispatch_id,
                from_state=old,
                to_state=new,
                at=when,
                source=source[:50],
                delivery_ids=sorted(ids),
            )
            for (dispatch_id, old), ids in groups.items()
        ]
    )


def _record(delivery, old, new, *, final=True, **context):
    _history([(delivery.pk, delivery.dispatch_id, old)], new, delivery.updated_at)


DELIVERY = Pipeline(
    DeliveryState,
    DELIVERY_PIPELINE,
    field="state",
    signal=delivery_state_changed,
    instance_arg="delivery",
    record=_record,
    noun="lượt phát",
)


def can_move(current, new):
    return DELIVERY.can_move(current, new)


def set_state(delivery, new, detail="", when=None, strict=True):
    """Move one delivery to ``new``; returns True when it changed.

    ``strict=False`` (device messages) ignores repeats and stale messages
    instead of raising InvalidStatus.
    """
    new = DeliveryState(new)
    if delivery.state == new:
        return False
    when = when or timezone.now()
    changes = {"updated_at": when}
    if detail:
        changes["detail"] = detail[:255]
    if new == S.SENT:
        changes["sent_at"] = when
    if new in TAKEN:
        changes["acknowledged_at"] = Coalesce(F("acknowledged_at"), Value(when))
    try:
        return DELIVERY.set_status(delivery, new, changes=changes)
    except InvalidStatus:
        if strict:
            raise
        return False


# The rows of some clusters in one dispatch, and exact (dispatch, cluster)
# pairs of several dispatches: the conditions ``_move`` is given.
OF_DISPATCH = "dispatch_id = %s AND cluster_id = ANY(%s)"
PAIRS = (
    "(dispatch_id, cluster_id) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[]))"
)


def _move(where, where_params, new, detail="", when=None, source="", only_from=None):
    """The one UPDATE behind ``bulk_set_state``, ``advance`` and
    ``advance_pairs``: the rows ``where`` selects (a condition on the table,
    no alias) that may move to ``new`` move, under FOR UPDATE, in id order
    (two writers of the same rows never deadlock). ``only_from`` narrows the
    states rows may leave. Returns [(id, dispatch_id, old state, cluster_id)]
    of the rows that really moved; their history is written."""
    new = DeliveryState(new)
    when = when or timezone.now()
    allowed_from = [
        s.value for s in DELIVERY.sources_of(new) if only_from is None or s in only_from
    ]
    table = Delivery._meta.db_table
    sets = ["state = %s", "updated_at = %s"]
    params = [new.value, when]
    if detail:
        sets.append("detail = %s")
        params.append(detail[:255])
    if new == S.SENT:
        sets.append("attempts = GREATEST(d.attempts, 1)")
    if new in SENT_BY:
        # A device that answered had it, whether or not the publisher's
        # queued -> sent came first (rows are written when dispatched).
        sets.append("sent_at = COALESCE(d.sent_at, %s)")
        params.append(when)
    if new in TAKEN:
        sets.append("acknowledged_at = COALESCE(d.acknowledged_at, %s)")
        params.append(when)
    sql = (
        f"UPDATE {table} AS d SET {', '.join(sets)} "
        f"FROM (SELECT id, state FROM {table} WHERE {where} "
        f"AND state = ANY(%s) ORDER BY id FOR UPDATE) AS old "
        f"WHERE d.id = old.id RETURNING d.id, d.dispatch_id, old.state, d.cluster_id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, *where_params, allowed_from])
        rows = cursor.fetchall()
        _history(rows, new, when, source)
    return rows


def bulk_set_state(deliveries, new, detail="", when=None, source=""):
    """``set_state`` for many rows: one UPDATE … FROM (SELECT … FOR UPDATE)
    … RETURNING, so the rows that really moved and the state each left are
    known even beside a concurrent writer. Same rules, history in bulk, same
    signal per delivery. Returns the moved deliveries."""
    new = DeliveryState(new)
    when = when or timezone.now()
    by_pk = {d.pk: d for d in deliveries if d.state != new and can_move(d.state, new)}
    if not by_pk:
        return []
    rows = _move("id = ANY(%s)", [list(by_pk)], new, detail, when, source)
    moved, olds = [], {}
    for pk, _dispatch_id, old, _cluster_id in rows:
        d = by_pk[pk]
        olds[pk] = old
        d.state, d.updated_at = new, when
        if new in TAKEN and not d.acknowledged_at:
            d.acknowledged_at = when
        moved.append(d)
    DELIVERY.notify([(d, olds[d.pk], new) for d in moved])
    return moved


def advance(
    dispatch_id, cluster_ids, new, detail="", when=None, source="", only_from=None
):
    """Move the rows of ``cluster_ids`` in a dispatch to ``new`` where the
    pipeline allows it, without reading them first (the publisher's
    queued -> sent for 5,000 devices while the listener records their
    acks). Returns the number moved."""
    new = DeliveryState(new)
    when = when or timezone.now()
    rows = _move(
        OF_DISPATCH,
        [dispatch_id, sorted(set(cluster_ids))],
        new,
        detail,
        when,
        source,
        only_from,
    )
    _notify_new(rows, new, when)
    return len(rows)


def advance_pairs(pairs, new, detail="", when=None, source=""):
    """``advance`` over exact (dispatch pk, cluster pk) ``pairs`` of several
    dispatches at once (the listener's batch of acks). Returns
    [(id, dispatch_id, old state, cluster_id)] of the rows moved."""
    if not pairs:
        return []
    new = DeliveryState(new)
    when = when or timezone.now()
    dispatches, clusters = zip(*pairs, strict=True)
    rows = _move(
        PAIRS,
        [list(dispatches), list(clusters)],
        new,
        detail,
        when,
        source,
    )
    _notify_new(rows, new, when)
    return rows


def _notify_new(rows, new, when):
    """The signal for [(id, dispatch_id, old state, …)] moved to ``new``;
    5,000 model instances only when someone listens."""
    if rows and delivery_state_changed.has_listeners(Delivery):
        DELIVERY.notify(
            [
                (
                    Delivery(pk=pk, dispatch_id=dispatch, state=new, updated_at=when),
                    DeliveryState(old),
                    new,
                )
                for pk, dispatch, old, *_ in rows
            ]
        )


def create_queued(dispatch_id, cluster_ids, when=None):
    """A dispatch's rows, "queued", written with the dispatch: the listener
    can record a device's ack the moment it comes, while the publisher is
    still sending the other copies. One INSERT … SELECT unnest; returns the
    number created."""
    cluster_ids = sorted(set(cluster_ids))
    if not cluster_ids:
        return 0
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (dispatch_id, cluster_id, state, attempts, "
            f"detail, updated_at) SELECT %s, c, %s, 0, '', %s "
            f"FROM unnest(%s::bigint[]) AS c "
            f"ON CONFLICT (dispatch_id, cluster_id) DO NOTHING",
            [dispatch_id, S.QUEUED.value, when or timezone.now(), cluster_ids],
        )
        return cursor.rowcount


def record_new(dispatch_id, cluster_ids, new, when=None, detail="", attempts=1):
    """Rows for the clusters of a dispatch leaving "queued" for ``new``
    (sent: the broker accepted the publish; expired: it never could be).

    Rows are normally written "queued" with the dispatch (``create_queued``)
    and moved here; a missing row (an outbox row written before that) is
    created in ``new``. One INSERT … ON CONFLICT DO NOTHING … RETURNING, one
    UPDATE for the rest, history in bulk. Returns the number of rows
    created or moved.
    """
    new = DeliveryState(new)
    DELIVERY.check(S.QUEUED, new)
    when = when or timezone.now()
    cluster_ids = sorted(set(cluster_ids))
    if not cluster_ids:
        return 0
    table = Delivery._meta.db_table
    taken = when if new in TAKEN else None
    sent = when if new in SENT_BY else None
    sql = (
        f"INSERT INTO {table} (dispatch_id, cluster_id, state, attempts, detail, "
        f"updated_at, sent_at, acknowledged_at) "
        f"SELECT %s, c, %s, %s, %s, %s, %s, %s FROM unnest(%s::bigint[]) AS c "
        f"ON CONFLICT (dispatch_id, cluster_id) DO NOTHING RETURNING id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                dispatch_id,
                new.value,
                attempts,
                detail[:255],
                when,
                sent,
                taken,
                cluster_ids,
            ],
        )
        created = [(row[0], dispatch_id, S.QUEUED.value) for row in cursor.fetchall()]
        _history(created, new, when)
        moved = []
        if len(created) < len(cluster_ids):
            # The rows just created are in ``new`` already: not moved again.
            moved = _move(
                OF_DISPATCH,
                [dispatch_id, cluster_ids],
                new,
                detail,
                when,
            )
    _notify_new(created + moved, new, when)
    return len(created) + len(moved)
