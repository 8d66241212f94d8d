"""Speaker clusters: registration, credentials, the config command, presence."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..devices import credentials, protocol
from ..models import OutboxMessage, SpeakerCluster
from .dispatch import FANOUT_TOPIC, kick_publisher


def create_cluster(unit, name, device_id=None, password=None, **fields):
    """Register a cluster; returns (cluster, password). The password and the
    signing key are shown once to the installer (``device_provisioning``);
    the password is stored only hashed."""
    password = password or credentials.new_password()
    cluster = SpeakerCluster(
        unit=unit,
        name=name,
        device_id=device_id or f"{unit.code}-{SpeakerCluster.objects.count() + 1:04d}",
        signing_key=credentials.new_signing_key(),
        credentials_issued_at=timezone.now(),
        **fields,
    )
    cluster.set_password(password)
    cluster.save()
    return cluster, password


def reset_password(cluster, password=None):
    """A new password (the signing key is kept)."""
    password = password or credentials.new_password()
    cluster.set_password(password)
    if not cluster.signing_key:
        cluster.signing_key = credentials.new_signing_key()
    cluster.save(update_fields=["password_hash", "signing_key"])
    return password


def rotate_credentials(cluster):
    """New password and signing key: the old ones stop working at once (the
    broker reloads its password file on commit; messages signed with the
    old key are dropped). Returns the new password."""
    password = credentials.new_password()
    cluster.set_password(password)
    cluster.signing_key = credentials.new_signing_key()
    cluster.credentials_issued_at = timezone.now()
    cluster.last_counter = 0
    cluster.last_will_counter = 0
    cluster.save(
        update_fields=[
            "password_hash",
            "signing_key",
            "credentials_issued_at",
            "last_counter",
            "last_will_counter",
        ]
    )
    return password


def push_config(cluster):
    """Send the cluster's volume and on/off hours now (a ``config`` command
    with its own cid; the device acknowledges it ``done``). Kept by the
    broker for a day if the device is offline."""
    now = timezone.now()
    cid = uuid.uuid4()
    expires_at = now + timedelta(days=1)
    with transaction.atomic():
        OutboxMessage.objects.create(
            topic=FANOUT_TOPIC,
            payload=protocol.config_command(
                cid=cid,
                volume=cluster.volume,
                on_time=str(cluster.on_time)[:5],
                off_time=str(cluster.off_time)[:5],
                expires_at=expires_at.timestamp(),
            ),
            device_ids=[cluster.device_id],
            expires_at=expires_at,
        )
        SpeakerCluster.objects.filter(pk=cluster.pk).update(
            config_cid=cid, config_sent_at=now, config_acked_at=None
        )
    transaction.on_commit(kick_publisher)
    return cid


FM_ERROR = "Tần số FM phải là một số từ 87,5 đến 108,0 MHz, bước 0,1 MHz (ví dụ 98,5)."


def fm_frequency(value):
    """The frequency typed by an officer ("98,5" or "98.5") as a Decimal
    within the FM broadcast band; ValidationError (Vietnamese) otherwise."""
    from decimal import Decimal, InvalidOperation

    from django.core.exceptions import ValidationError

    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(FM_ERROR, code="fm_frequency") from None
    if (
        not number.is_finite()
        or not Decimal(str(protocol.FM_MIN)) <= number <= Decimal(str(protocol.FM_MAX))
        or number != number.quantize(Decimal("0.1"))
    ):
        raise ValidationError(FM_ERROR, code="fm_frequency")
    return number.quantize(Decimal("0.1"))


def switch_source(cluster, mode, frequency=None):
    """Tell the device to play an FM station (``mode="fm"``, ``frequency``
    in MHz) or to go back to the IP network; an ``fm`` command with its own
    cid, acknowledged ``done``, kept by the broker for a day."""
    if mode not in protocol.SOURCES:
        raise ValueError(mode)
    frequency = fm_frequency(frequency) if mode == "fm" else None
    now = timezone.now()
    cid = uuid.uuid4()
    expires_at = now + timedelta(days=1)
    with transaction.atomic():
        OutboxMessage.objects.create(
            topic=FANOUT_TOPIC,
            payload=protocol.fm_command(
                cid=cid,
                mode=mode,
                frequency=frequency,
                expires_at=expires_at.timestamp(),
            ),
            device_ids=[cluster.device_id],
            expires_at=expires_at,
        )
        fields = {
            "fm_mode": mode,
            "fm_cid": cid,
            "fm_sent_at": now,
            "fm_acked_at": None,
        }
        if frequency is not None:
            fields["fm_frequency"] = frequency
        SpeakerCluster.objects.filter(pk=cluster.pk).update(**fields)
    transaction.on_commit(kick_publisher)
    return cid


def cluster_saved(sender, instance, created, update_fields=None, raw=False, **kw):
    """post_save: a cluster edited in the admin (a full save of an existing
    row) tells its device the volume and hours at once."""
    if created or raw or update_fields is not None or not instance.is_active:
        return
    if not instance.signing_key:
        return
    push_config(instance)


def revoke_credentials(cluster):
    """Take a cluster out of service: it can no longer connect or sign."""
    cluster.password_hash = ""
    cluster.signing_key = ""
    cluster.is_active = False
    cluster.online = False
    cluster.save(update_fields=["password_hash", "signing_key", "is_active", "online"])


def device_provisioning(cluster, password):
    """What an installer types into a device (or the simulator reads)."""
    return {
        "protocol": f"ttcs-mqtt/{protocol.VERSION}",
        "device_id": cluster.device_id,
        "username": cluster.device_id,
        "password": password,
        "signing_key": cluster.signing_key,
        "broker_url": settings.BROADCAST_DEVICE_MQTT_URL,
        "topic_root": protocol.root(),
        "volume": cluster.volume,
        "on_time": str(cluster.on_time)[:5],
        "off_time": str(cluster.off_time)[:5],
    }


def create_demo_clusters(unit, count=4):
    """A few clusters for the demo; returns [(cluster, password)].

    Device ids are ``sim-<unit code>-NNNN``: the simulator
    (``manage.py simulate_speakers --unit <code> --count N``) plays them.
    """
    hamlets = ["Ấp Bình Thạnh", "Ấp Hòa Lợi", "Ấp Tân Thành", "Khóm 1", "Khóm 2"]
    made = []
    for index in range(1, count + 1):
        device_id = f"sim-{unit.code}-{index:04d}"
        cluster = SpeakerCluster.objects.filter(device_id=device_id).first()
        if cluster is not None:
            made.append((cluster, reset_password(cluster)))
            continue
        made.append(
            create_cluster(
                unit,
                name=f"Cụm loa {hamlets[(index - 1) % len(hamlets)]}",
                device_id=device_id,
                hamlet=hamlets[(index - 1) % len(hamlets)],
                has_fm_fallback=index % 2 == 0,
            )
        )
    return made


def offline_clusters(unit):
    limit = timezone.now() - timedelta(seconds=settings.BROADCAST_HEARTBEAT_SECONDS * 3)
    return SpeakerCluster.objects.filter(unit=unit, is_active=True).filter(
        Q(online=False) | Q(last_seen__lt=limit) | Q(last_seen__isnull=True)
    )


def alert_offline_clusters(now=None):
    """Tell the commune and the district above it about clusters silent for
    ``BROADCAST_OFFLINE_ALERT_MINUTES`` (offline, or no heartbeat): one
    ``ClusterAlert`` per cluster and unit, shown on their admin dashboard,
    and one e-mail per unit and run to its officers. A cluster is alerted
    once per outage (the listener clears the mark when it is back); a
    cluster never seen since registration is not (not installed yet).
    Returns how many clusters were alerted."""
    from ..models import ClusterAlert

    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.BROADCAST_OFFLINE_ALERT_MINUTES)
    with transaction.atomic():
        clusters = list(
            SpeakerCluster.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                is_active=True,
                offline_alerted_at__isnull=True,
                last_seen__lt=limit,
            )
            .exclude(signing_key="")
            .select_related("unit__parent")
        )
        if not clusters:
            return 0
        by_unit = {}
        for cluster in clusters:
            local = timezone.localtime(cluster.last_seen)
            message = (
                f"Cụm loa “{cluster.name}” ({cluster.device_id}, {cluster.unit.name})"
                f" mất kết nối từ {local:%H:%M %d/%m/%Y}."
            )
            recipients = [cluster.unit]
            if cluster.unit.parent is not None:
                recipients.append(cluster.unit.parent)
            for unit in recipients:
                by_unit.setdefault(unit, []).append((cluster, message))
        alerts = []
        for unit, items in by_unit.items():
            emails = _unit_emails(unit)
            for cluster, message in items:
                alerts.append(
                    ClusterAlert(
                        cluster=cluster,
                        unit=unit,
                        message=message,
                        raised_at=now,
                        emailed_to=emails,
                    )
                )
            if emails:
                transaction.on_commit(
                    lambda e=emails, m=[m for _, m in items], u=unit: _send_alert(
                        u, m, e
                    )
                )
        ClusterAlert.objects.bulk_create(alerts)
        SpeakerCluster.objects.filter(pk__in=[c.pk for c in clusters]).update(
            offline_alerted_at=now
        )
    return len(clusters)


def _send_alert(unit, messages, emails):
    from django.core.mail import send_mail

    send_mail(
        subject=f"[TTCS] {len(messages)} cụm loa mất kết nối – {unit.name}",
        message="\n".join(messages)
        + "\n\nXem trang “Truyền thanh” trong trang quản trị của đơn vị; hãy"
        " kiểm tra nguồn điện và đường truyền của cụm loa.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=emails,
        fail_silently=True,
    )


def _unit_emails(unit):
    """Addresses of the unit's own active users (they live in its schema)."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    if not unit.provisioned_at:
        return []
    with tenant_context(unit):
        return sorted(
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )


def link_hamlets(unit):
    """Link the unit's clusters whose typed hamlet matches a registry hamlet
    (tenants.Hamlet, same name ignoring case and spaces); returns how many."""
    from tenants.models import Hamlet

    registry = {
        " ".join(h.name.lower().split()): h for h in Hamlet.objects.filter(unit=unit)
    }
    linked = 0
    for cluster in SpeakerCluster.objects.filter(unit=unit, hamlet_ref=None).exclude(
        hamlet=""
    ):
        hamlet = registry.get(" ".join(cluster.hamlet.lower().split()))
        if hamlet is not None:
            cluster.hamlet_ref = hamlet
            cluster.save(update_fields=["hamlet_ref"])
            linked += 1
    return linked
