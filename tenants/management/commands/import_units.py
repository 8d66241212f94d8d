"""Import real administrative units and provision each as a tenant.

    python manage.py import_units --structure 2025 --province 86
    python manage.py import_units --structure 2020 --province 94 --districts 941,942
    python manage.py import_units --structure 2025 --province 86 --limit 5

Idempotent: units are matched by (structure, code); a second run changes
nothing. Arguments are checked against the data before anything is written,
and each unit is provisioned in its own transaction, so a failure leaves no
half-made unit behind.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from tenants.importers import ImportDataError, load_records
from tenants.models import Unit
from tenants.services import (
    ensure_platform,
    ensure_template_schema,
    provision_unit,
    schema_name_for,
    unique_slug,
)


def code_list(value):
    return [code.strip() for code in value.split(",") if code.strip()]


class Command(BaseCommand):
    help = "Nhập đơn vị hành chính thật (2025: hai cấp, 2020: ba cấp) và cấp schema."

    def add_arguments(self, parser):
        parser.add_argument("--structure", required=True, help="2025 hoặc 2020")
        parser.add_argument("--province", required=True, help="mã tỉnh, ví dụ 86")
        parser.add_argument(
            "--districts",
            type=code_list,
            default=None,
            help="chỉ các huyện này (2020), mã cách nhau bởi dấu phẩy",
        )
        parser.add_argument(
            "--communes",
            type=code_list,
            default=None,
            help="chỉ các xã này, mã cách nhau bởi dấu phẩy",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="chỉ N xã/phường đầu tiên"
        )
        parser.add_argument(
            "--languages",
            type=code_list,
            default=None,
            help="ngôn ngữ thêm cho đơn vị mới, ví dụ km,en",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        try:
            structure, records = load_records(
                options["structure"],
                options["province"],
                districts=options["districts"],
                communes=options["communes"],
                limit=options["limit"],
            )
        except ImportDataError as error:
            raise CommandError(str(error)) from error

        ensure_platform()
        ensure_template_schema()
        created = updated = provisioned = unchanged = 0
        by_code = {}
        bar = tqdm(
            records,
            desc=f"Nhập đơn vị {structure}",
            unit=" đơn vị",
            disable=options["no_progress"] or None,
            file=self.stderr._out,
        )
        for record in bar:
            parent = by_code.get(record.parent_code) if record.parent_code else None
            with transaction.atomic():
                unit = Unit.objects.filter(
                    structure=structure, code=record.code
                ).first()
                if unit is None:
                    unit = Unit(
                        structure=structure,
                        code=record.code,
                        schema_name=schema_name_for(structure, record.code),
                        slug=unique_slug(
                            # The province keeps its short name (soc-trang);
                            # lower units say what they are (phuong-5).
                            record.slug
                            if record.kind == "province"
                            else record.name_with_type,
                            record.code,
                        ),
                        languages=options["languages"] or [],
                    )
                    created += 1
                    fresh = True
                else:
                    fresh = False
                fields = {
                    "name": record.name,
                    "name_with_type": record.name_with_type,
                    "kind": record.kind,
                    "parent": parent,
                }
                changed = [k for k, v in fields.items() if getattr(unit, k) != v]
                for key, value in fields.items():
                    setattr(unit, key, value)
                if fresh or changed:
                    unit.save()
                    if not fresh:
                        updated += 1
                if unit.provisioned_at is None or changed:
                    provision_unit(unit)
                    provisioned += 1
                elif not fresh:
                    unchanged += 1
            by_code[record.code] = unit
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: {len(records)} đơn vị ({created} mới, {updated} cập nhật, "
                f"{unchanged} không đổi, {provisioned} được cấp schema)."
            )
        )
