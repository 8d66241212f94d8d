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
