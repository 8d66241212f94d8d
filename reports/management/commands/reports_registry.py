"""python manage.py reports_registry import|export --unit <code> <file.xlsx>

Import or export the registries (hamlets, legacy stations, propagandists,
communication centres) of a unit's subtree. Import shows a progress bar and,
on any bad row, a row-by-row report in Vietnamese, saving nothing."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reports import importers
from tenants.models import Unit


class Command(BaseCommand):
    help = "Nhập/xuất danh mục ấp, đài truyền thanh, tuyên truyền viên từ Excel."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="mã đơn vị gốc")

    def handle(self, *args, action, file, unit, **options):
        root = Unit.objects.filter(code=unit).order_by("-structure").first()
        if root is None:
            raise CommandError(f"Không có đơn vị mã {unit}.")
        if action == "export":
            with open(file, "wb") as out:
                out.write(importers.export_registries(root))
            self.stdout.write(f"Đã xuất danh mục của {root} ra {file}.")
            return
        try:
            handle = open(file, "rb")
        except OSError as problem:
            raise CommandError(f"Không mở được {file}: {problem.strerror}.") from None
        with handle:
            report = importers.import_registries(
                handle,
                root=root,
                progress=lambda rows: tqdm(rows, desc="Nhập danh mục", unit="dòng"),
            )
        if not report.ok:
            for line in report.lines():
                self.stderr.write(line)
            raise CommandError(
                f"Có {len(report.errors)} dòng lỗi: chưa nhập dòng nào. Sửa tệp rồi "
                "nhập lại."
            )
        self.stdout.write(report.summary())
