from django.conf import settings
from django.core.management.base import BaseCommand

from tenants.services import sync_site_ports


class Command(BaseCommand):
    help = "Đặt cổng (port) công khai cho Site của mọi đơn vị (mặc định PUBLIC_PORT)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PUBLIC_PORT)

    def handle(self, *args, **options):
        changed = sync_site_ports(options["port"])
        self.stdout.write(f"Đã cập nhật {changed} Site sang cổng {options['port']}.")
