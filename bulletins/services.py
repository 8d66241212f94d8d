"""Public surface of bulletins: scope checks, sending, fan-out, inbox actions.

For other apps (boards, speakers):

    mark_delivery(bulletin, unit, channel, state, actor=None, note="")

moves one delivery along the pipeline (``bulletins.pipeline``), and the
signals in ``bulletins.signals`` tell them what to show or play. Search
follows a bulletin through ``bulletins.receivers``.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape

from base.choices import Priority
from base.tasks import enqueue_on_commit
from cms import services as cms_services
from tenants.models import Unit, UnitKind

from .choices import BulletinStatus, DeliveryState
from .models import (
    Bulletin,
    Channel,
    Delivery,
    DeliveryTransition,
    OfficerProfile,
    Outbox,
    TargetMode,
)
from .pipeline import BULLETIN, DELIVERY, OPEN_STATES, InvalidStatus, set_state
from .signals import bulletin_for_channel, bulletin_withdrawn

logger = logging.getLogger(__name__)

COMMUNE_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP)
SYSTEM_ACTOR = "Hệ thống"

__all__ = [
    "DeliveryNotFound",
    "InvalidStatus",
    "mark_delivery",
    "officer_scope",
    "send_bulletin",
    "withdraw_bulletin",
]


class DeliveryNotFound(LookupError):
    """No delivery of that bulletin to that unit on that channel."""


# --- officers and their scope ---------------------------------------------------


def officer_scope(user):
    """The unit an officer works for; None for a platform superuser (all).

    Raises PermissionDenied for a user without an officer profile.
    """
    profile = OfficerProfile.objects.filter(user=user).select_related("unit").first()
    if profile is not None:
        return profile.unit
    if user.is_superuser:
        return None
    raise PermissionDenied(
        "Tài khoản của bạn chưa được gắn với đơn vị nào. Hãy liên hệ quản trị hệ thống."
    )


def is_officer(request):
    """Whether the signed-in user has an officer profile, looked up once per
    request: the admin menu asks for each of its officer items."""
    known = getattr(request, "_ttcs_is_officer", None)
    if known is None:
        known = OfficerProfile.objects.filter(user=request.user).exists()
        request._ttcs_is_officer = known
    return known


def can_approve(user):
    profile = OfficerProfile.objects.filter(user=user).first()
    return bool(user.is_superuser or (profile and profile.can_approve))


def reach(scope):
    """The unit whose subtree an officer sends to: a department (sở, ngành)
    sends to the units of the province or district it belongs to."""
    if scope is not None and scope.kind == UnitKind.DEPARTMENT and scope.parent_id:
        return scope.parent
    return scope


def units_below(scope):
    """Units an officer of ``scope`` may send to (strictly below it)."""
    units = Unit.objects.exclude(
        kind__in=(UnitKind.PLATFORM, UnitKind.DEPARTMENT)
    ).exclude(schema_name="public")
    scope = reach(scope)
    if scope is None:
        return units
    return units.filter(structure=scope.structure, path__startswith=scope.path + "/")


def in_scope(unit, scope):
    scope = reach(scope)
    return scope is None or (
        unit.structure == scope.structure and unit.path.startswith(scope.path + "/")
    )


def visible_bulletins(scope):
    """Bulletins sent by the officer's unit or by any unit below it."""
    queryset = Bulletin.objects.select_related("sender_unit")
    if scope is None:
        return queryset
    return queryset.filter(
        Q(sender_unit=scope)
        | Q(
            sender_unit__structure=scope.structure,
            sender_unit__path__startswith=scope.path + "/",
        )
    )


def scope_refusal(units, scope):
    names = ", ".join(str(u) for u in units)
    return (
        f"Không thể gửi tới {names}: đơn vị này không thuộc phạm vi quản lý của "
        f"{scope}. Bạn chỉ gửi được tới các đơn vị trực thuộc {scope}."
    )


def check_targets(*, scope, target_mode, target_root=None, target_units=()):
    """Raise ValidationError (Vietnamese) when targets leave the scope."""
    if target_mode == TargetMode.SUBTREE:
        if target_root is None:
            raise ValidationError("Hãy chọn đơn vị có các xã, phường sẽ nhận tin.")
        if (
            scope is not None
            and target_root != reach(scope)
            and not in_scope(target_root, scope)
        ):
            raise ValidationError(scope_refusal([target_root], scope))
    else:
        if not target_units:
            raise ValidationError("Hãy chọn ít nhất một đơn vị nhận.")
        outside = [u for u in target_units if not in_scope(u, scope)]
        if outside:
            raise ValidationError(scope_refusal(outside, scope))


def target_units_of(bulletin):
    """The units a bulletin reaches: communes of a subtree, or a list."""
    if bulletin.target_mode == TargetMode.SUBTREE:
        root = bulletin.target_root
        units = Unit.objects.filter(
            structure=root.structure,
            path__startswith=root.path + "/",
            kind__in=COMMUNE_KINDS,
        )
        if root.kind in COMMUNE_KINDS:
            units = Unit.objects.filter(pk=root.pk)
        return units.order_by("path")
    return bulletin.target_units.order_by("path")


# --- writing and sending (officers, public schema) --------------------------------


def create_bulletin(*, user, scope, target_units=(), **fields):
    """A draft bulletin of the officer's unit, its targets checked.

    ``user`` may be None for machine senders (an upstream CAP feed), who
    pass ``created_by_name`` instead."""
    check_targets(
        scope=scope,
        target_mode=fields.get("target_mode", TargetMode.SUBTREE),
        target_root=fields.get("target_root"),
        target_units=list(target_units),
    )
    fields.setdefault("valid_from", timezone.now())
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            sender_unit=scope or fields.pop("sender_unit"),
            created_by_name=fields.pop("created_by_name", "")
            or user.get_full_name()
            or user.get_username(),
            **fields,
        )
        if target_units:
            bulletin.target_units.set(target_units)
    return bulletin


def send_bulletin(bulletin, *, user=None, approver_name=None):
    """Approve a draft and queue its fan-out (outbox, then a task on commit).

    The outbox row is written in the approval's transaction: if the broker
    or the worker is down, the row waits and is processed when a worker
    drains the outbox (on start and periodically).
    """
    if user is not None:
        scope = officer_scope(user)
        if not can_approve(user):
            raise PermissionDenied("Bạn không có quyền phê duyệt thông tin nguồn.")
        check_targets(
            scope=scope,
            target_mode=bulletin.target_mode,
            target_root=bulletin.target_root,
            target_units=list(bulletin.target_units.all()),
        )
        approver_name = user.get_full_name() or user.get_username()
    from .tasks import fan_out_bulletin

    approver_name = approver_name or SYSTEM_ACTOR
    with transaction.atomic():
        # A refused move raises InvalidStatus, a ValidationError.
        moved = BULLETIN.set_status(
            bulletin,
            BulletinStatus.SENT,
            changes={"sent_at": timezone.now(), "approved_by_name": approver_name},
            actor=approver_name,
        )
        if not moved:
            raise ValidationError("Thông tin này đã được gửi.")
        outbox = Outbox.objects.create(bulletin=bulletin)
        # A fan-out lost with the broker waits in the outbox for the drain.
        enqueue_on_commit(fan_out_bulletin, outbox.pk)
    return bulletin


def withdraw_bulletin(bulletin, *, user):
    """Withdraw a sent bulletin: it leaves search, deliveries still open
    expire, and boards and speakers that show or play it stop."""
    scope = officer_scope(user)
    if not can_approve(user):
        raise PermissionDenied("Bạn không có quyền thu hồi thông tin nguồn.")
    if not visible_bulletins(scope).filter(pk=bulletin.pk).exists():
        raise PermissionDenied("Thông tin này không thuộc phạm vi quản lý của bạn.")
    actor = user.get_full_name() or user.get_username()
    with transaction.atomic():
        moved = BULLETIN.set_status(bulletin, BulletinStatus.WITHDRAWN, actor=actor)
        if not moved:
            raise ValidationError("Thông tin này đã được thu hồi.")
        deliveries = bulletin.deliveries.select_related("bulletin", "unit")
        for delivery in deliveries.filter(state__in=OPEN_STATES):
            set_state(delivery, DeliveryState.EXPIRED, actor=actor, note="Đã thu hồi.")
        shown = list(
            deliveries.filter(
                state=DeliveryState.USED, channel__in=(Channel.BOARD, Channel.SPEAKER)
            )
        )

        def stop_devices():
            for delivery in shown:
                bulletin_withdrawn.send(
                    sender=Bulletin,
                    bulletin=bulletin,
                    unit=delivery.unit,
                    channel=delivery.channel,
                )

        transaction.on_commit(stop_devices)
    return bulletin


def fan_out(outbox_id):
    """Create the deliveries of one outbox row (idempotent, run by a task).

    Emergency bulletins are dispatched to boards and speakers at once.
    Returns the number of deliveries created.
    """
    with transaction.atomic():
        outbox = (
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, processed_at__isnull=True)
            .select_related("bulletin")
            .first()
        )
        if outbox is None:
            return 0
        bulletin = outbox.bulletin
        units = list(target_units_of(bulletin))
        rows = [
            Delivery(bulletin=bulletin, unit=unit, channel=channel)
            for unit in units
            for channel in bulletin.channels
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        created = list(
            Delivery.objects.filter(bulletin=bulletin, transitions__isnull=True)
            .select_related("unit")
            .order_by("pk")
        )
        DeliveryTransition.objects.bulk_create(
            [
                DeliveryTransition(
                    delivery=d, from_state="", to_state="sent", actor=SYSTEM_ACTOR
                )
                for d in created
            ],
            batch_size=1000,
        )
        outbox.processed_at = timezone.now()
        outbox.attempts += 1
        outbox.save(update_fields=["processed_at", "attempts"])

        DELIVERY.notify(
            [(d, "", DeliveryState.SENT) for d in created], actor=SYSTEM_ACTOR, note=""
        )
    if bulletin.is_emergency:
        for delivery in created:
            if delivery.channel in (Channel.BOARD, Channel.SPEAKER):
                dispatch_to_channel(
                    delivery,
                    actor=f"{SYSTEM_ACTOR} (khẩn cấp)",
                    note="Tin khẩn cấp: phát ngay trên mọi kênh.",
                )
    return len(created)


def pending_outbox():
    return Outbox.objects.filter(processed_at__isnull=True).values_list("pk", flat=True)


# --- the pipeline surface for other apps ----------------------------------------------


def mark_delivery(bulletin, unit, channel, state, actor=None, note=""):
    """Move the delivery of ``bulletin`` to ``unit`` on ``channel`` to ``state``.

    For boards and speakers: "received" when a device has it, "used" when it
    played. ``bulletin`` is a Bulletin or its id. Returns the delivery;
    raises DeliveryNotFound when there is none and InvalidStatus when the
    pipeline forbids the step (a
    repeated report of the current state, or a "received" that arrives after
    the delivery moved on, is accepted and changes nothing).
    """
    delivery = (
        Delivery.objects.select_related("bulletin", "unit")
        .filter(bulletin=bulletin, unit=unit, channel=channel)
        .first()
    )
    if delivery is None:
        raise DeliveryNotFound(
            f"bulletin {getattr(bulletin, 'pk', bulletin)} has no {channel} "
            f"delivery to {unit}"
        )
    if state == DeliveryState.RECEIVED and delivery.state != DeliveryState.SENT:
        # A device saying it has the bulletin after the delivery moved on
        # (used at once for an emergency, or declined) is a late report.
        return delivery
    set_state(delivery, state, actor=str(actor or SYSTEM_ACTOR), note=note)
    return delivery


def dispatch_to_channel(delivery, *, actor, note=""):
    """Hand a board/speaker delivery to its channel: signal, then "used"."""
    bulletin = delivery.bulletin
    with transaction.atomic():
        changed = set_state(delivery, DeliveryState.USED, actor=actor, note=note)
        if bulletin.is_emergency and not delivery.immediate:
            Delivery.objects.filter(pk=delivery.pk).update(immediate=True)
            delivery.immediate = True
    if changed:
        bulletin_for_channel.send(
            sender=Bulletin,
            bulletin=bulletin,
            unit=delivery.unit,
            channel=delivery.channel,
            emergency=bulletin.is_emergency,
        )
    return changed


# --- the commune's inbox (runs on the commune's host) ------------------------------


def inbox(unit):
    """Bulletins delivered to ``unit``: emergency first, then newest."""
    return (
        Bulletin.objects.filter(deliveries__unit=unit)
        .distinct()
        .annotate(rank=Priority.rank_expression())
        .order_by("-rank", "-sent_at")
        .select_related("sender_unit")
    )


def deliveries_for(bulletin, unit):
    return {
        d.channel: d
        for d in Delivery.objects.filter(bulletin=bulletin, unit=unit).select_related(
            "bulletin", "unit"
        )
    }


def actor_name(user, unit):
    name = user.get_full_name() or user.get_username() if user else SYSTEM_ACTOR
    return f"{name} ({unit})"


def open_bulletin(bulletin, unit, user=None):
    """The commune opened it: every delivery still "sent" becomes "received"."""
    for delivery in deliveries_for(bulletin, unit).values():
        if delivery.state == DeliveryState.SENT:
            set_state(delivery, DeliveryState.RECEIVED, actor=actor_name(user, unit))


def body_html(bulletin):
    paragraphs = [p.strip() for p in bulletin.body.split("\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def use_as_page(bulletin, unit, user=None):
    """Publish the bulletin on the commune's site through its review workflow.

    Creates a draft page in the current unit's schema (the commune's review
    workflow starts) and marks the web delivery "used". Returns the page.
    """
    delivery = deliveries_for(bulletin, unit).get(Channel.WEB)
    if delivery is None:
        raise ValidationError("Thông tin này không gửi tới trang thông tin điện tử.")
    if delivery.state not in OPEN_STATES:
        raise ValidationError(
            f"Thông tin này đã ở trạng thái «{delivery.get_state_display()}»."
        )
    with transaction.atomic():
        page = create_page(bulletin, user)
        set_state(
            delivery,
            DeliveryState.USED,
            actor=actor_name(user, unit),
            note=f"Đã tạo trang «{page.title}» (mã {page.pk}), chờ duyệt.",
        )
        Delivery.objects.filter(pk=delivery.pk).update(page_id=page.pk)
    return page


def create_page(bulletin, user=None):
    """A draft announcement from the bulletin, through cms's service (the
    page enters the unit's review workflow)."""
    return cms_services.create_page_from_bulletin(
        title=bulletin.title,
        summary=bulletin.body.strip().split("\n")[0][:300],
        body_html=body_html(bulletin),
        kind="announcement",
        submit_for_review=True,
        user=user,
    )


def decline(bulletin, unit, reason, user=None):
    """Decline every open delivery of the bulletin for this unit, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Hãy ghi lý do từ chối.")
    changed = 0
    for delivery in deliveries_for(bulletin, unit).values():
        if delivery.state in OPEN_STATES:
            set_state(
                delivery,
                DeliveryState.DECLINED,
                actor=actor_name(user, unit),
                note=reason,
            )
            changed += 1
    if not changed:
        raise ValidationError("Không còn kênh nào chờ xử lý để từ chối.")
    return changed


def pass_to_devices(bulletin, unit, user=None, channels=None):
    """Pass the bulletin to the commune's boards and/or speakers."""
    channels = channels or (Channel.BOARD, Channel.SPEAKER)
    passed = []
    for channel, delivery in deliveries_for(bulletin, unit).items():
        if channel in channels and delivery.state in OPEN_STATES:
            dispatch_to_channel(
                delivery,
                actor=actor_name(user, unit),
                note="Chuyển tới bảng tin/loa của đơn vị.",
            )
            passed.append(channel)
    if not passed:
        raise ValidationError("Không có kênh bảng tin hoặc loa nào chờ xử lý.")
    return passed


# --- expiry and the sender's dashboard ------------------------------------------------


def expire_deliveries(now=None):
    """Past their validity: open deliveries expire, devices stop showing them."""
    now = now or timezone.now()
    expired = 0
    for delivery in Delivery.objects.filter(
        bulletin__valid_until__lt=now, state__in=OPEN_STATES
    ).select_related("bulletin", "unit"):
        set_state(delivery, DeliveryState.EXPIRED, actor=SYSTEM_ACTOR)
        expired += 1
    for delivery in Delivery.objects.filter(
        bulletin__valid_until__lt=now,
        state=DeliveryState.USED,
        channel__in=(Channel.BOARD, Channel.SPEAKER),
        bulletin__status=BulletinStatus.SENT,
    ).select_related("bulletin", "unit"):
        bulletin_withdrawn.send(
            sender=Bulletin,
            bulletin=delivery.bulletin,
            unit=delivery.unit,
            channel=delivery.channel,
        )
    return expired


def overdue_after(priority):
    """How long a delivery of this priority may stay unanswered
    (``settings.BULLETINS_OVERDUE_AFTER``)."""
    return settings.BULLETINS_OVERDUE_AFTER[Priority(priority)]


def is_overdue(delivery, now=None):
    now = now or timezone.now()
    bulletin = delivery.bulletin
    if delivery.state not in OPEN_STATES or bulletin.sent_at is None:
        return False
    return now > bulletin.sent_at + overdue_after(bulletin.priority)


def dashboard_rows(deliveries):
    """Rows for the dashboard and the exports."""
    now = timezone.now()
    rows = []
    for d in deliveries.select_related("bulletin", "unit").prefetch_related(
        "transitions"
    ):
        last = list(d.transitions.all())[-1:] or [None]
        rows.append(
            {
                "delivery": d,
                "bulletin": d.bulletin.title,
                "unit": str(d.unit),
                "unit_code": d.unit.code,
                "channel": d.get_channel_display(),
                "state": d.get_state_display(),
                "state_code": d.state,
                "changed_at": d.changed_at,
                "actor": last[0].actor if last[0] else "",
                "note": last[0].note if last[0] else "",
                "overdue": is_overdue(d, now),
            }
        )
    return rows
