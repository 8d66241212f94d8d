"""Mosquitto password and ACL files generated from the registered clusters.

Each device may read only its own command topic and the command topics of
its groups (its unit, the units above, all), and write only its own status,
heartbeat, ack and play topics. The platform account (publisher, listener)
may write every command topic and read every device topic.
"""

from pathlib import Path

from django.conf import settings

from . import credentials, protocol
from .models import SpeakerCluster


def password_lines(server_user=None, server_password=None):
    lines = []
    if server_user and server_password:
        lines.append(f"{server_user}:{credentials.mosquitto_hash(server_password)}")
    for device_id, hashed in (
        SpeakerCluster.objects.filter(is_active=True)
        .exclude(password_hash="")
        .values_list("device_id", "password_hash")
    ):
        lines.append(f"{device_id}:{hashed}")
    return lines


def acl_text(server_user=None):
    root = protocol.root()
    parts = []
    if server_user:
        parts += [
            f"user {server_user}",
            f"topic write {root}/dev/+/cmd",
            f"topic write {root}/grp/#",
            f"topic read {root}/dev/#",
            "",
        ]
    # Own topics through mosquitto's %u (username = device id) pattern.
    parts += [
        "# every device: its own topics only (username = device id)",
        f"pattern read {root}/dev/%u/cmd",
        *(f"pattern write {root}/dev/%u/{kind}" for kind in protocol.DEVICE_KINDS),
        f"pattern read {root}/grp/all/cmd",
        "",
    ]
    from .services import cluster_groups

    for cluster in SpeakerCluster.objects.filter(is_active=True).select_related("unit"):
        parts.append(f"user {cluster.device_id}")
        parts += [
            f"topic read {protocol.unit_cmd(group)}"
            for group in cluster_groups(cluster)
        ]
        parts.append("")
    return "\n".join(parts) + "\n"


def write_files(directory, server_user=None, server_password=None):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    server_user = server_user or settings.BROADCAST_MQTT_USERNAME
    server_password = server_password or settings.BROADCAST_MQTT_PASSWORD
    passwd = directory / "passwd"
    acl = directory / "acl"
    passwd.write_text("\n".join(password_lines(server_user, server_password)) + "\n")
    acl.write_text(acl_text(server_user))
    passwd.chmod(0o600)
    return passwd, acl
