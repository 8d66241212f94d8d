"""Plain helpers shared by the tests and the bench/ scripts.

Nothing here is a fixture and nothing imports Django at module level, so a
bench script can import it before ``django.setup()``. Fixtures live in the
conftest modules; never import helpers from a conftest.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, timeout=30, every=0.1):
    """Call ``predicate`` until it returns something true or ``timeout``
    seconds pass; returns its last value (so ``assert wait_for(...)``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return predicate()


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    return free_ports(1)[0]


def free_ports(count):
    """``count`` different free ports: each socket stays bound until all are
    chosen (two calls of ``free_port`` in a row may get the same one)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sockets.append(sock)
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def reachable(url, default_port=None):
    """Whether something accepts TCP connections at ``url``'s host and port."""
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def test_database_url():
    """The URL of the (test) database Django is configured with, for the
    processes a test starts."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER'] or 'postgres'}"
        f"{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


test_database_url.__test__ = False  # not a test, whatever its name says


def start_web_server(
    env=None,
    *,
    port=None,
    workers=1,
    threads=None,
    args=(),
    timeout=60,
    own_session=False,
):
    """gunicorn serving ``config.wsgi`` on 127.0.0.1 (a free port unless
    ``port``), started from the repository root with ``os.environ`` updated
    by ``env``; returns once the port accepts connections.

    The result has ``process``, ``port``, ``url(host, path)`` and ``stop()``.
    ``own_session`` starts it in a process group of its own, which ``stop()``
    signals as a whole; ``stop(kill=True)`` sends SIGKILL (an outage, not a
    shutdown).
    Raises RuntimeError if it exits or does not listen within ``timeout``.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    command += ["--log-level", "warning", *args]
    process = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        start_new_session=own_session,
    )

    def stop(kill=False):
        if process.poll() is not None:
            return
        sig = signal.SIGKILL if kill else signal.SIGTERM
        if own_session:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    deadline = time.monotonic() + timeout
    while not reachable(f"http://127.0.0.1:{port}"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop()
            raise RuntimeError(f"gunicorn did not start on port {port}")
        time.sleep(0.2)

    def url(unit_or_host, path="/"):
        host = getattr(unit_or_host, "primary_hostname", unit_or_host)
        return f"http://{host}:{port}{path}"

    return SimpleNamespace(process=process, port=port, url=url, stop=stop)


def start_celery_worker(queue, node, *, loglevel, **popen):
    """A Celery worker process on the test database, consuming ``queue``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": test_database_url(),
        "CELERY_QUEUE": queue,
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    command += [f"--loglevel={loglevel}", "--concurrency=1", "--pool=solo"]
    command += ["-Q", queue, "-n", node, "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, env=env, **popen)


def local(hour, minute=0, day=None):
    """An aware moment today (or ``day``) at hour:minute, Vietnamese time."""
    import datetime as dt

    from django.utils import timezone

    day = day or timezone.localdate()
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(hour, minute)),
        timezone.get_current_timezone(),
    )


def admin_client(unit_or_host, user=None, *, username=None, **extra):
    """A Django test client on a unit's hostname (or any host), logged in as
    ``user``; without one, as a new superuser ``username`` (default
    ``quantri<unit code>``) of that unit's own schema.

    A unit's users live in its schema, so the log-in happens inside it; a
    host name (the platform's) logs in in the public schema.
    """
    from contextlib import nullcontext

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_tenants.utils import tenant_context

    is_host = isinstance(unit_or_host, str)
    host = unit_or_host if is_host else unit_or_host.primary_hostname
    client = Client(HTTP_HOST=host, **extra)
    with nullcontext() if is_host else tenant_context(unit_or_host):
        if user is None:
            name = username or f"quantri{getattr(unit_or_host, 'code', '')}"
            user = get_user_model().objects.create_superuser(
                name, f"{name}@example.vn", "mat-khau-dai-12"
            )
        client.force_login(user)
    return client


def admin_log_in(page, login_url, username, password):
    """Log in through the Wagtail admin's own login form (Playwright page)."""
    page.goto(login_url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


AXE_JS = (
    Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
)


def axe_serious_violations(page):
    """axe-core's serious and critical violations on a Playwright page.

    axe is evaluated through the DevTools protocol: the sites' CSP refuses
    an injected <script> tag (no inline script), as it should."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text() + "\n;undefined")
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
