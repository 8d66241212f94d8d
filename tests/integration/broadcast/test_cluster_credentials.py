"""Cluster credentials and the broker's files: passwords hashed in
Mosquitto's format, per-device ACLs; demo clusters for a unit."""

import subprocess

import pytest

from broadcast import broker_config, protocol, services

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
    assert f"pattern write {root}/dev/%u/ack" in text
    assert (
        f"user hash-1\ntopic read {root}/grp/unit/{tree.province.schema_name}/cmd"
        in text
    )
    assert f"topic read {root}/grp/unit/{tree.commune_a1.schema_name}/cmd" in text


def test_demo_clusters_are_registered_for_a_unit(tree):
    made = services.create_demo_clusters(tree.commune_b1)
    assert len(made) == 4
    assert all(c.device_id.startswith("sim-90201-") for c, _ in made)
    assert all(c.check_password(p) for c, p in made)
