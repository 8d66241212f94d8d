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
