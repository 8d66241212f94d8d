"""python manage.py annual_report --unit <code> --year <YYYY> --output <file>

The annual report of a unit (XLSX: one sheet per indicator group; DOCX: the
administrative layout), figures cut off 15/12 of the previous year → 14/12."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import exports
from tenants.models import Unit


class Command(BaseCommand):
    help = "Xuất báo cáo năm của một đơn vị ra tệp .xlsx hoặc .docx."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="mã đơn vị hành chính")
        parser.add_argument("--year", required=True, type=int, help="năm báo cáo")
        parser.add_argument("--output", required=True, help="tệp .xlsx hoặc .docx")
        parser.add_argument(
            "--structure", type=int, default=None, help="2020 hoặc 2025 nếu mã trùng"
        )

    def handle(self, *args, unit, year, output, structure, **options):
        units = Unit.objects.filter(code=unit)
        if structure:
            units = units.filter(structure=structure)
        found = list(units[:2])
        if not found:
            raise CommandError(f"Không có đơn vị mã {unit}.")
        if len(found) > 1:
            raise CommandError(
                f"Mã {unit} có ở cả hai cấu trúc: thêm --structure 2020 hoặc 2025."
            )
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in exports.CONTENT_TYPES:
            raise CommandError("Tệp kết quả phải có đuôi .xlsx hoặc .docx.")
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm {year} không hợp lệ.")
        started = time.perf_counter()
        content = exports.annual_report(found[0], year, fmt)
        path.write_bytes(content)
        self.stdout.write(
            f"Đã ghi {path} ({len(content):,} byte) cho {found[0]}, năm {year}, "
            f"trong {time.perf_counter() - started:.2f} s."
        )
