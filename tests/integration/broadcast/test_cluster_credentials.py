"""Cluster credentials and the broker's files: passwords hashed in
Mosquitto's format, per-device ACLs, random signing keys rotated; demo
clusters for a unit."""

import subprocess

import pytest

from broadcast import services
from broadcast.devices import broker_config, protocol

pytestmark = pytest.mark.django_db


def test_password_is_stored_hashed_in_mosquittos_format(tree, tmp_path):
    cluster, password = services.create_cluster(
        tree.commune_a1, "c", device_id="hash-1"
    )
    assert password not in cluster.password_hash
    assert cluster.password_hash.startswith("$7$101$")
    assert cluster.check_password(password) and not cluster.check_password("sai")
    passwd, acl = broker_config.write_files(tmp_path, "ttcs-server", "bi-mat")
    # mosquitto_passwd reads (and rewrites) the file we generated.
    result = subprocess.run(
        ["mosquitto_passwd", "-b", str(passwd), "extra", "pw"], capture_output=True
    )
    assert result.returncode == 0, result.stderr
    assert f"hash-1:{cluster.password_hash}" in passwd.read_text()
    text = acl.read_text()
    root = protocol.root()
    # Devices: their own command topic to read, their own four to write.
    assert f"pattern read {root}/dev/%u/cmd" in text
    assert f"pattern write {root}/dev/%u/ack" in text
    assert "grp/" not in text


def test_each_cluster_gets_a_random_key_and_rotation_replaces_it(tree):
    a, _ = services.create_cluster(tree.commune_a1, "a", device_id="key-a")
    b, _ = services.create_cluster(tree.commune_a1, "b", device_id="key-b")
    assert a.signing_key and b.signing_key and a.signing_key != b.signing_key
    old_key, old_hash = a.signing_key, a.password_hash
    password = services.rotate_credentials(a)
    a.refresh_from_db()
    assert a.signing_key != old_key and a.password_hash != old_hash
    assert a.check_password(password)


def test_demo_clusters_are_registered_for_a_unit(tree):
    made = services.create_demo_clusters(tree.commune_b1)
    assert len(made) == 4
    assert all(c.device_id.startswith("sim-90201-") for c, _ in made)
    assert all(c.check_password(p) for c, p in made)


def test_one_cluster_is_registered_rotated_and_revoked_from_the_command_line(
    tree, tmp_path
):
    """speakers.md M2: besides the admin, an installer can register one
    cluster (same rules and messages as "Thêm cụm loa") and get its
    provisioning file, re-key it and revoke it."""
    import json
    import os
    from io import StringIO

    from django.core.management import CommandError, call_command

    from broadcast.models import SpeakerCluster

    out = tmp_path / "cl.json"
    common = ["--unit", tree.commune_a1.code, "--name", "Cụm loa chợ"]
    call_command(
        "broadcast_cluster", "register", *common, "--device-id", "cli-0001",
        "--out", str(out), stdout=StringIO(),
    )  # fmt: skip
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    spec = json.loads(out.read_text())
    cluster = SpeakerCluster.objects.get(device_id="cli-0001")
    assert cluster.unit == tree.commune_a1 and cluster.check_password(spec["password"])
    assert spec["signing_key"] == cluster.signing_key and spec["volume"] == 80
    with pytest.raises(CommandError, match="đã được đăng ký"):
        call_command(
            "broadcast_cluster", "register", *common, "--device-id", "cli-0001"
        )
    with pytest.raises(CommandError, match="chữ thường không dấu"):
        call_command("broadcast_cluster", "register", *common, "--device-id", "Sai!")

    printed = StringIO()
    call_command("broadcast_cluster", "rotate", "cli-0001", stdout=printed)
    rotated = json.loads(printed.getvalue())
    cluster.refresh_from_db()
    assert rotated["signing_key"] != spec["signing_key"]
    assert cluster.check_password(rotated["password"])
    call_command("broadcast_cluster", "revoke", "cli-0001", stdout=StringIO())
    cluster.refresh_from_db()
    assert not cluster.is_active and not cluster.signing_key
    with pytest.raises(CommandError, match="Không có cụm loa"):
        call_command("broadcast_cluster", "revoke", "cli-9999")
