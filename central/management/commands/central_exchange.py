"""Send the province's figures for a period now, or drain the outbox.

manage.py central_exchange figures --start 2025-12-15 --end 2026-12-14
manage.py central_exchange deliver
manage.py central_exchange status
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from central import services
from central.models import OutboundMessage


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ: {text} (dùng YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Kết nối Hệ thống thông tin nguồn Trung ương: gửi số liệu, gửi hàng đợi."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["figures", "deliver", "status"])
        parser.add_argument("--start")
        parser.add_argument("--end")

    def handle(self, action, start=None, end=None, **options):
        if action == "figures":
            from reports.registry import Period

            if not (start and end):
                raise CommandError("Cần --start và --end.")
            if services.province() is None:
                raise CommandError("Nền tảng chưa có đơn vị cấp tỉnh.")
            message = services.queue_figures(Period(_date(start), _date(end)))
            self.stdout.write(f"Đã xếp hàng số liệu: {message.message_id}")
            action = "deliver"
        if action == "deliver":
            delivered, failed = services.deliver_due()
            self.stdout.write(f"Đã gửi {delivered}, lỗi {failed} (sẽ thử lại).")
        waiting = OutboundMessage.objects.filter(delivered_at__isnull=True)
        self.stdout.write(f"Còn trong hàng đợi: {waiting.count()}")
        for message in waiting.order_by("created_at")[:20]:
            self.stdout.write(
                f"  {message.kind} {message.message_id} lần {message.attempts}: "
                f"{message.last_error[:120]}"
            )
