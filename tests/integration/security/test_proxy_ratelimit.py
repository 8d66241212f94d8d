"""Rate limits behind the shipped Caddy: the app (TRUSTED_PROXY_COUNT=1)
counts the client's address Caddy forwards, so two citizens behind the
proxy have separate buckets; an X-Forwarded-For a client writes itself,
through the proxy or straight to the app, changes nothing.

Real parts: gunicorn on the test database, Debian's Caddy with the
reverse_proxy block of deploy/Caddyfile; the clients connect from two
loopback addresses (127.0.0.2, 127.0.0.3)."""

import http.client
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.utils import free_port, reachable, start_web_server, test_database_url

ROOT = Path(__file__).resolve().parent.parent.parent.parent


def shipped_proxy_block():
    """The reverse_proxy block's directives from deploy/Caddyfile."""
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    block = re.search(r"reverse_proxy web:8000 \{\n(.*?)\n\t\}", text, re.S)
    return block.group(1)


@pytest.fixture
def proxied(tree, committed, tmp_path):
    if not shutil.which("caddy"):
        pytest.fail("caddy not installed: scripts/system_packages.sh installs it")
    app = start_web_server(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
            "TRUSTED_PROXY_COUNT": "1",
            "TRUSTED_PROXY_NETWORKS": "127.0.0.1/32",
            "SEARCH_RATELIMIT": "3/m",
            # Fresh counters for every run (a rerun within the minute).
            "CACHE_KEY_PREFIX": f"ttcs-test-proxy-{uuid.uuid4().hex[:8]}",
        },
        threads=4,
    )
    port = free_port()
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(
        "{\n\tadmin off\n\tauto_https off\n}\n"
        f"http://:{port} {{\n\tbind 127.0.0.1\n"
        f"\treverse_proxy 127.0.0.1:{app.port} {{\n{shipped_proxy_block()}\n\t}}\n}}\n"
    )
    caddy = subprocess.Popen(
        ["caddy", "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env={
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "PATH": "/usr/bin:/bin",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not reachable(f"http://127.0.0.1:{port}"):
        assert caddy.poll() is None and time.monotonic() < deadline, (
            "caddy did not start"
        )
        time.sleep(0.2)
    yield tree.commune_b1.primary_hostname, port, app.port
    caddy.terminate()
    caddy.wait(timeout=10)
    app.stop()


def search(host, port, source, forwarded=None):
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    headers = {"Host": host}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    connection.request("GET", "/tim-kiem/api/?q=thong+tin", headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_two_citizens_behind_the_proxy_have_separate_buckets(proxied):
    host, proxy, app = proxied
    first = [search(host, proxy, "127.0.0.2") for _ in range(4)]
    assert first == [200, 200, 200, 429]
    # Another citizen behind the same proxy is not refused.
    assert search(host, proxy, "127.0.0.3") == 200
    # The first one cannot escape by claiming another address: Caddy
    # replaces what the client wrote.
    assert search(host, proxy, "127.0.0.2", forwarded="203.0.113.9") == 429
    # Straight to the app from outside the trusted proxy's address, the
    # header is not believed either: 127.0.0.4 counts as itself.
    direct = [search(host, app, "127.0.0.4", forwarded="127.0.0.3") for _ in range(4)]
    assert direct == [200, 200, 200, 429]
    assert search(host, proxy, "127.0.0.3") == 200
