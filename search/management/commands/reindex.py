"""Rebuild the cross-unit index: ``manage.py reindex [--unit CODE] [--clear]``."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context
from tqdm import tqdm

from search import services
from search.backends import get_backend
from search.pages import document_document, page_document
from search.registry import providers
from tenants.services import provisioned_units

BATCH = 500


class Command(BaseCommand):
    help = "Đánh chỉ mục lại nội dung của mọi đơn vị (hoặc một đơn vị)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="mã đơn vị hành chính (code)")
        parser.add_argument(
            "--clear", action="store_true", help="xóa chỉ mục của đơn vị trước"
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="không hiện thanh tiến độ"
        )

    def handle(self, *args, **options):
        units = provisioned_units()
        if options["unit"]:
            units = units.filter(code=options["unit"])
            if not units.exists():
                raise CommandError(f"Không có đơn vị mã {options['unit']}.")
        total = 0
        for unit in units.order_by("path"):
            total += self.reindex_unit(unit, options)
        self.stdout.write(self.style.SUCCESS(f"Đã đánh chỉ mục {total} tài liệu."))

    def reindex_unit(self, unit, options):
        from wagtail.documents import get_document_model
        from wagtail.models import Page

        backend = get_backend()
        if options["clear"]:
            backend.clear(unit.schema_name)
        count = 0
        with tenant_context(unit):
            pages = Page.objects.live().filter(depth__gt=2)
            documents = get_document_model().objects.all()
            bar = tqdm(
                total=pages.count() + documents.count(),
                desc=str(unit)[:30],
                unit="tl",
                disable=options["no_progress"],
                file=self.stderr,
            )
            batch = []
            sources = (
                (page_document(p, unit) for p in pages.specific().iterator()),
                (document_document(d, unit) for d in documents.iterator()),
            )
            for source in sources:
                for kwargs in source:
                    bar.update(1)
                    if kwargs:
                        batch.append(services.build_document(**kwargs))
                    if len(batch) >= BATCH:
                        backend.index(batch)
                        count += len(batch)
                        batch = []
            bar.close()
        for provider in providers():
            for kwargs in provider(unit):
                batch.append(services.build_document(**kwargs))
        if batch:
            backend.index(batch)
            count += len(batch)
        return count
