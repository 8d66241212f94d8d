"""Web Push fan-out: encrypted notifications per second for N subscriptions.

    source .local/wt.env && source .local/services.env
    export DJANGO_SETTINGS_MODULE=config.settings.test WEBPUSH_INSECURE_HOSTS=127.0.0.1
    .venv/bin/python bench/push_fanout.py [--subscriptions 10000] [--workers 8]

The local push endpoint (tests/webpush_endpoint.py) runs in a process of its
own and makes one P-256 key pair and auth secret per phone, as browsers do.
The bench stores N subscriptions for one unit, then times
``pwa.services.deliver`` as the Celery task runs it: read the subscriptions,
one RFC 8291 aes128gcm encryption per phone (a fresh ECDH key each), one
VAPID-signed RFC 8030 POST each over kept-alive connections, counters
written every 500. The endpoint checks every request's TTL, Urgency,
Content-Encoding and VAPID signature, and decrypts every 100th message with
the phone's private key; the bench fails if any was refused. Both run on
the same machine (2 cores here), so the figure is a floor. The rows it
creates are deleted afterwards.
"""

import argparse
import json
import multiprocessing
import os
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("WEBPUSH_INSECURE_HOSTS", "127.0.0.1")


def endpoint_process(count, pipe):
    from tests.webpush_endpoint import WebPushEndpoint

    endpoint = WebPushEndpoint(decrypt=True, sample=100).start()
    pipe.send([endpoint.subscription() for _ in range(count)])
    pipe.recv()  # until the bench is done
    endpoint.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--unit", default=None, help="unit code (default: any)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from pwa import services
    from pwa.models import PushMessage, PushSubscription
    from tenants.models import Unit

    units = Unit.objects.exclude(schema_name="public").exclude(kind="platform")
    unit = (units.filter(code=args.unit) if args.unit else units).first()
    if unit is None:
        sys.exit("No unit in this database: `make demo` or import_units first.")

    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(
        target=endpoint_process, args=(args.subscriptions, theirs), daemon=True
    )
    child.start()
    print(f"making {args.subscriptions} phones (keys) in the endpoint…", flush=True)
    phones = ours.recv()
    stats_url = phones[0]["endpoint"].split("/push/")[0] + "/stats"

    PushSubscription.objects.bulk_create(
        [
            PushSubscription(
                unit=unit,
                endpoint=phone["endpoint"],
                p256dh=phone["keys"]["p256dh"],
                auth=phone["keys"]["auth"],
            )
            for phone in phones
        ],
        batch_size=2000,
    )
    message = PushMessage.objects.create(
        unit=unit, page_id=None, title="Đo tốc độ gửi", urgency="high"
    )
    workers = args.workers or settings.WEBPUSH_WORKERS
    try:

        def payload(subscription):
            return {
                "title": f"Thông báo khẩn – {unit}",
                "body": "Đo tốc độ gửi: triều cường vượt báo động 3, "
                "người dân ven sông di dời tài sản lên cao.",
                "url": f"http://{unit.primary_hostname}/thong-tin-nguon/1/",
                "tag": "bench",
                "lang": subscription.language,
                "urgency": "high",
            }

        print(f"sending with {workers} concurrent requests…", flush=True)
        start = time.perf_counter()
        recipients = services.recipients([unit.pk])
        services.deliver(message, recipients, payload, ttl=3600, workers=workers)
        elapsed = time.perf_counter() - start
        message.refresh_from_db()
        with urllib.request.urlopen(stats_url, timeout=10) as response:
            stats = json.load(response)
        print(
            f"subscriptions={message.recipients} sent={message.sent} "
            f"failed={message.failed} removed={message.removed} "
            f"endpoint_accepted={stats['hits'] - stats['error_count']} "
            f"decrypted_sample={stats['decrypted']} refused={stats['error_count']}"
        )
        print(
            f"elapsed={elapsed:.1f} s  rate={message.sent / elapsed:.0f} "
            f"encrypted notifications/s (workers={workers})"
        )
        if stats["error_count"] or message.sent != args.subscriptions:
            print("refused:", stats["errors"])
            sys.exit(1)
    finally:
        base = phones[0]["endpoint"].split("/push/")[0]
        PushSubscription.objects.filter(endpoint__startswith=base + "/push/").delete()
        message.delete()
        ours.send("done")
        child.join(timeout=10)


if __name__ == "__main__":
    main()
