from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tenants.services import provisioned_units, sync_unit_groups


class Command(BaseCommand):
    help = (
        "Cấp cho nhóm Biên tập viên và Người duyệt của các đơn vị đã có các quyền "
        "của phiên bản này (chỉ thêm, chạy lại nhiều lần không sao)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="mã đơn vị (mặc định: mọi đơn vị)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        units = provisioned_units()
        if options["unit"]:
            units = units.filter(code=options["unit"])
            if not units.exists():
                raise CommandError(
                    f"Không có đơn vị đã khởi tạo nào mang mã “{options['unit']}”."
                )
        units = list(units.order_by("path"))
        bar = tqdm(
            total=len(units),
            desc="Đồng bộ quyền",
            unit=" đơn vị",
            disable=options["no_progress"],
        )
        changed = sync_unit_groups(units, progress=lambda _unit: bar.update(1))
        bar.close()
        for schema, added in changed.items():
            self.stdout.write(f"{schema}: thêm {added} quyền")
        self.stdout.write(
            f"Đã kiểm tra {len(units)} đơn vị; {len(changed)} đơn vị được thêm quyền."
        )
