import json

from django.core.management.base import BaseCommand

from tenants.models import Unit
from tenants.services import units_with_hostnames


class Command(BaseCommand):
    help = "Liệt kê các đơn vị: mã, tên, cấp, mã cấp trên, schema, tên miền."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="in dạng JSON")
        parser.add_argument("--structure", type=int, default=None)

    def handle(self, *args, **options):
        queryset = Unit.objects.order_by("structure", "path")
        if options["structure"]:
            queryset = queryset.filter(structure=options["structure"])
        rows = [
            {
                "code": unit.code,
                "name": unit.name_with_type or unit.name,
                "kind": unit.kind,
                "structure": unit.structure,
                "parent_code": unit.parent.code if unit.parent else None,
                "schema": unit.schema_name,
                "hostnames": hostnames,
            }
            for unit, hostnames in units_with_hostnames(queryset)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['code']:>6}  {row['kind']:<9} {row['name']:<40} "
                f"{row['schema']:<22} {', '.join(row['hostnames'])}"
            )
