"""Print where the demo lives: platform, province, districts, communes, logins.

    python manage.py demo_urls [--wait]

With --wait it first waits for the web server on $PORT to answer, so the
addresses are printed when they work.
"""

import os
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from tenants.management.commands.load_demo import DEMO_PASSWORD, demo_units
from tenants.models import Unit, UnitKind


class Command(BaseCommand):
    help = "In địa chỉ cổng tỉnh, cổng huyện, trang xã và tài khoản mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true")
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", 8000))
        )

    def handle(self, *args, **options):
        port = options["port"]
        if options["wait"]:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.5)
        suffix = "" if port == 80 else f":{port}"
        province = (
            Unit.objects.filter(kind=UnitKind.PROVINCE, provisioned_at__isnull=False)
            .order_by("-structure")
            .first()
        )
        lines = [
            "",
            "=== TTCS đang chạy ===",
            f"Nền tảng (danh sách đơn vị): http://{settings.BASE_DOMAIN}{suffix}/",
        ]
        if province:
            for unit in demo_units(province):
                label = {
                    "province": "Cổng tỉnh",
                    "district": "Cổng huyện",
                }.get(unit.kind, "Trang xã/phường")
                lines.append(
                    f"{label:<16} {unit}: http://{unit.primary_hostname}{suffix}/"
                )
            lines += [
                "",
                f"Quản trị: http://<tên miền đơn vị>{suffix}/admin/ — tài khoản "
                "admin, bientap (biên tập), duyet (phê duyệt); "
                f"mật khẩu {DEMO_PASSWORD}",
                "Cán bộ tỉnh/huyện gửi thông tin nguồn: "
                f"http://{settings.BASE_DOMAIN}{suffix}/admin/ — canbo.tinh, "
                f"canbo.huyen; mật khẩu {DEMO_PASSWORD}",
                "Tên miền *.localhost trỏ về máy này trong trình duyệt; với curl: "
                f"curl -H 'Host: {province.primary_hostname}' "
                f"http://127.0.0.1{suffix}/",
            ]
        self.stdout.write("\n".join(lines) + "\n")
