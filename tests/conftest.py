"""One conftest that sets up tenants for every test.

The test database is migrated once (public schema + the unit template);
then a small committed tree of units is provisioned for the whole session:

    province 90 (Tỉnh Thử Nghiệm)
    ├── district 901 (Huyện An Phú)
    │   ├── commune 90101 (Xã An Bình)
    │   └── commune 90102 (Xã An Hòa)
    └── district 902 (Huyện Bình Minh)
        └── commune 90201 (Xã Bình Lợi)

Tests run in a transaction on top of it (pytest-django's ``db``) and switch
schemas with ``tenant_context``; ``client_for(unit)`` is a test client bound
to the unit's hostname.
"""

import os
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client

from tests.mqtt_broker import project_broker  # noqa: F401 - session fixture
from tests.utils import (
    free_port,
    reachable,
    start_celery_worker,
    start_web_server,
    test_database_url,
)

TREE = [
    # code, name, kind, parent code, languages
    ("90", "Tỉnh Thử Nghiệm", "province", None, []),
    ("901", "Huyện An Phú", "district", "90", []),
    ("902", "Huyện Bình Minh", "district", "90", []),
    ("90101", "Xã An Bình", "commune", "901", ["km"]),
    ("90102", "Xã An Hòa", "commune", "901", []),
    ("90201", "Xã Bình Lợi", "commune", "902", []),
]
KEYS = {
    "90": "province",
    "901": "district_a",
    "902": "district_b",
    "90101": "commune_a1",
    "90102": "commune_a2",
    "90201": "commune_b1",
}


def build_tree():
    from tenants.models import Unit
    from tenants.services import create_unit, ensure_platform, provision_unit

    ensure_platform()
    units, by_code = {}, {}
    for code, name, kind, parent_code, languages in TREE:
        unit = Unit.objects.filter(structure=2020, code=code).first()
        if unit is None:
            unit = create_unit(
                code=code,
                name=name,
                name_with_type=name,
                kind=kind,
                structure=2020,
                parent=by_code.get(parent_code),
                languages=languages,
            )
        elif unit.provisioned_at is None:
            provision_unit(unit)
        units[KEYS[code]] = by_code[code] = unit
    return SimpleNamespace(**units)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """The test database, always: pytest-django only sets it up when a test
    in the run has the ``db`` fixture, but ``committed``, ``live_site`` and
    worker tests need it too. Then the committed tree of units."""
    from django.test.utils import setup_databases, teardown_databases

    keep = {"keepdb": True} if django_db_keepdb and not django_db_createdb else {}
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={"default"},
            **keep,
        )
        build_tree()
    yield
    _purge_test_queue()
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session")
def tree(django_db_setup, django_db_blocker):
    """The committed tree of test units (see module docstring)."""
    with django_db_blocker.unblock():
        return build_tree()


@pytest.fixture(autouse=True)
def _back_to_public():
    yield
    # A unit's memo (cms.memo) lives in the process: what a test read inside
    # its rolled-back transaction must not outlive it.
    from cms import memo

    memo.clear()
    try:
        connection.set_schema_to_public()
    except Exception:  # noqa: BLE001 - a test may have closed the connection
        pass


@pytest.fixture
def client_for():
    """A test client whose requests go to a unit's (or any) hostname."""

    def make(unit_or_host, **extra):
        host = (
            unit_or_host
            if isinstance(unit_or_host, str)
            else unit_or_host.primary_hostname
        )
        return Client(HTTP_HOST=host, **extra)

    return make


# --- real services ---------------------------------------------------------------


def _purge_test_queue():
    """Drop the tasks tests queued with no worker to run them (they would
    pile up in the broker run after run)."""
    from django.conf import settings

    if not reachable(settings.CELERY_BROKER_URL, 6379):
        return
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)
    except Exception:  # noqa: BLE001 - tidying only
        pass


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, project_broker):  # noqa: F811
    """A real Celery worker on the test database, on a queue of its own (and
    the project's own MQTT broker)."""
    from django.conf import settings

    if not reachable(settings.CELERY_BROKER_URL, 6379):
        pytest.fail(f"Celery broker unreachable at {settings.CELERY_BROKER_URL}")
    queue = f"ttcs-test-{uuid.uuid4().hex[:8]}"
    node = f"{queue}@{socket.gethostname()}"
    # Its log goes to a file: a pipe nobody reads fills up (64 kB) over a
    # whole suite and the worker then blocks on its next log line.
    log_path = Path(tempfile.gettempdir()) / f"{queue}.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - open while the worker runs
    process = start_celery_worker(
        queue,
        node,
        loglevel="INFO",
        stdout=log_file,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from config.celery import app

    app.conf.task_default_queue = queue
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("Celery worker exited:\n" + log_path.read_text())
        replies = app.control.ping(destination=[node], timeout=0.5)
        if replies:
            break
    else:
        process.terminate()
        pytest.fail("Celery worker did not start within 60 s")
    yield SimpleNamespace(process=process, queue=queue, app=app, node=node)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log_file.close()
    log_path.unlink(missing_ok=True)


@pytest.fixture
def broker_down():
    """A context manager under which the Celery broker is unreachable, as
    when Redis is down: the app publishes to a closed port (publishing
    fails after Celery's short retry), then goes back to the real broker."""
    import contextlib

    from config.celery import app

    def forget_connections():
        app._pool = None
        app.amqp._producer_pool = None

    @contextlib.contextmanager
    def down():
        url = app.conf.broker_url
        app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
        forget_connections()
        try:
            yield
        finally:
            app.conf.broker_url = url
            forget_connections()

    return down


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Database access outside the test transaction, for work that must be
    committed (a worker must see it, or it creates many schemas). Units
    registered with ``committed.drop_later(unit)`` are dropped afterwards."""
    created = []
    with django_db_blocker.unblock():
        yield SimpleNamespace(drop_later=created.append)
        connection.set_schema_to_public()
        for unit in reversed(created):
            unit.refresh_from_db()
            unit.delete(force_drop=True)


@pytest.fixture(scope="session")
def live_site(django_db_setup):
    """A real web server (gunicorn) on the test database, on a free port.

    Browsers reach a unit at http://<unit hostname>:<port>/ (Chromium sends
    every *.localhost name to 127.0.0.1). Data a browser must see has to be
    committed: use the ``committed`` fixture, not ``db``.
    """
    try:
        server = start_web_server(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": test_database_url(),
            },
            threads=8,
        )
    except RuntimeError as error:
        pytest.fail(f"The live test server did not start: {error}")
    yield server
    server.stop()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(
            f"Chromium not found at {executable}: `make test` installs Debian's "
            "chromium package (scripts/system_packages.sh)."
        )
    # Playwright's sync API keeps an event loop on this thread; the ORM calls
    # the tests make beside it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (own context: own cookies) for one test."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    tab = context.new_page()
    yield tab
    context.close()


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def artifacts_dir():
    """Where browser tests save screenshots (test-artifacts/, kept by CI)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def icecast(live_site, settings):
    """The project's Icecast (Debian's icecast2, as ``make run`` configures
    it), checking listeners against the live test server; settings point at
    it for the test."""
    from tests.icecast import ProjectIcecast

    server = ProjectIcecast(
        auth_url=f"http://127.0.0.1:{live_site.port}/_icecast/auth/"
    ).start()
    for key, value in server.settings().items():
        setattr(settings, key, value)
    yield server
    server.stop()


@pytest.fixture
def streamer(icecast, committed):
    """The streamer (ffmpeg per stream) of ``manage.py broadcast_streamer``,
    in a thread of the test process."""
    from base import redis as platform_redis
    from broadcast.devices.streamer import Streamer
    from broadcast.services.streams import control_key

    platform_redis.client().delete(control_key())
    running = Streamer(
        icecast.url, icecast.source_password, icecast.admin_password
    ).start()
    yield running
    running.stop()
