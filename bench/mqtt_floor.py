"""Bench: the plain paho-mqtt "floor" for an emergency (issue 14).

    .venv/bin/python bench/mqtt_floor.py --counts 1000 5000

No platform: a Mosquitto of its own on a free port (anonymous, the same
QoS 1 window and queue limits as the generated broker conf), N paho clients
spread over ``--processes`` processes (one selectors loop each, like the
simulator), each subscribed at QoS 1 to its own ``dev/<i>/cmd``. One
publisher client sends one QoS 1 message per device; each device answers
with one QoS 1 message on ``dev/<i>/ack``; a collector subscribed to
``dev/+/ack`` counts them. Measured: from the first publish to every PUBACK
(publish_s), to half and to all the acks. No signing, no database, no
listener: what the broker and paho cost by themselves, to compare with
bench/broadcast_emergency.py.
"""

import argparse
import multiprocessing
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt

ROOT = "floor"
WINDOW = 1000  # platform client and broker (settings.BROADCAST_MQTT_MAX_INFLIGHT)
DEVICE_RECEIVE_MAXIMUM = 10  # as the simulator's devices


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_broker(tmp):
    port = free_port()
    conf = Path(tmp) / "mosquitto.conf"
    conf.write_text(
        "\n".join(
            [
                "per_listener_settings true",
                "max_queued_messages 100000",
                f"max_inflight_messages {WINDOW}",
                f"listener {port} 127.0.0.1",
                "allow_anonymous true",
                "",
            ]
        )
    )
    proc = subprocess.Popen(
        [shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("mosquitto did not start")


def client(client_id):
    return mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
    )


def fleet(ids, port, ready, stop):
    """Devices on one selectors loop: subscribe, ack every command."""
    sel = selectors.DefaultSelector()
    wants_write = set()
    subscribed = set()

    def on_connect(c, device, flags, rc, props):
        c.subscribe(f"{ROOT}/dev/{device}/cmd", qos=1)

    def on_subscribe(c, device, mid, rcs, props):
        subscribed.add(device)

    def on_message(c, device, message):
        c.publish(f"{ROOT}/dev/{device}/ack", message.payload, qos=1)

    clients = []
    for device in ids:
        c = client(f"floor-{device}")
        c.user_data_set(device)
        c.on_connect, c.on_subscribe, c.on_message = (
            on_connect,
            on_subscribe,
            on_message,
        )
        c.on_socket_register_write = lambda c, u, s: wants_write.add(c)
        c.on_socket_unregister_write = lambda c, u, s: wants_write.discard(c)
        props = mqtt.Properties(mqtt.PacketTypes.CONNECT)
        props.ReceiveMaximum = DEVICE_RECEIVE_MAXIMUM
        c.connect("127.0.0.1", port, keepalive=600, properties=props)
        sel.register(c.socket(), selectors.EVENT_READ, c)
        clients.append(c)
        wants_write.add(c)
    signalled = False
    last_misc = time.monotonic()
    while not stop.is_set():
        for c in list(wants_write):
            c.loop_write()
        for key, _ in sel.select(0.05):
            key.data.loop_read()
        if not signalled and len(subscribed) == len(ids):
            ready.set()
            signalled = True
        if time.monotonic() - last_misc > 5:
            for c in clients:
                c.loop_misc()
            last_misc = time.monotonic()
    for c in clients:
        c.disconnect()
        c.loop_write()


def cpu_seconds(pid):
    """User + system CPU seconds of a process (all its threads) so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy():
    """(busy, total) CPU time of the whole machine so far (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split()[1:9]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def busy_share(before):
    """The machine's CPU use since ``before`` (``machine_busy()``), 0–1."""
    busy, total = machine_busy()
    return round((busy - before[0]) / max(1, total - before[1]), 2)


def bench(count, port, processes, broker_pid=None):
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    readies, procs = [], []
    for index in range(processes):
        ready = ctx.Event()
        proc = ctx.Process(
            target=fleet,
            args=(list(range(count))[index::processes], port, ready, stop),
            daemon=True,
        )
        proc.start()
        procs.append(proc)
        readies.append(ready)
    started = time.monotonic()
    for ready in readies:
        ready.wait(600)
    connect_s = time.monotonic() - started

    acks = {"n": 0, "half": None}
    all_acked = threading.Event()
    collector = client(f"floor-collector-{os.getpid()}")
    subscribed = threading.Event()
    collector.on_subscribe = lambda *a: subscribed.set()

    def on_ack(c, u, message):
        acks["n"] += 1
        if acks["n"] == count // 2:
            acks["half"] = time.monotonic()
        if acks["n"] >= count:
            all_acked.set()

    collector.on_message = on_ack
    collector.connect("127.0.0.1", port, keepalive=60)
    collector.subscribe(f"{ROOT}/dev/+/ack", qos=1)
    collector.loop_start()
    subscribed.wait(10)

    publisher = client(f"floor-publisher-{os.getpid()}")
    publisher.max_inflight_messages_set(WINDOW)
    publisher.connect("127.0.0.1", port, keepalive=60)
    publisher.loop_start()
    time.sleep(1)
    payload = b'{"type":"play","priority":"emergency"}'
    pids = {"publisher": os.getpid(), "broker": broker_pid}
    pids.update({f"devices_{i}": proc.pid for i, proc in enumerate(procs)})
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    machine = machine_busy()
    t0 = time.monotonic()
    infos = [
        publisher.publish(f"{ROOT}/dev/{i}/cmd", payload, qos=1) for i in range(count)
    ]
    for info in infos:
        info.wait_for_publish(120)
    published = time.monotonic()
    all_acked.wait(120)
    done = time.monotonic()
    cpu = {
        name: round(cpu_seconds(pid) - cpu_before[name], 2)
        for name, pid in pids.items()
    }
    stop.set()
    for proc in procs:
        proc.join(20)
    publisher.loop_stop()
    collector.loop_stop()
    return {
        "devices": count,
        "acknowledged": acks["n"],
        "connect_s": round(connect_s, 2),
        "publish_s": round(published - t0, 3),
        "half_acked_s": round((acks["half"] or done) - t0, 2),
        "all_acked_s": round(done - t0, 2),
        "cpu_s_until_all_acked": cpu,
        "machine_busy": busy_share(machine),
    }


def measure(count, processes=2):
    """One floor run on a broker of its own (bench/broadcast_emergency.py
    runs it next to each of its own runs)."""
    with tempfile.TemporaryDirectory() as tmp:
        broker, port = start_broker(tmp)
        try:
            return bench(count, port, processes, broker.pid)
        finally:
            broker.terminate()
            broker.wait(10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; window {WINDOW}", file=sys.stderr)
    for count in args.counts:
        print("floor", measure(count, args.processes), flush=True)


if __name__ == "__main__":
    main()
