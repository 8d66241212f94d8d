"""Fill a demo province with real content, accounts, boards and speakers.

    python manage.py load_demo [--province 94] [--structure 2020]

Picks the province (default: the one with the most units), its first two
districts (if any) and a few communes; gives each an administrator, an
editor and an approver account, articles cut from the plans in
../shared/corpus and the plans themselves as documents, the unit's contacts,
leaders, procedures and real legal documents (cms.demo), and Khmer pages
for the first commune. Two communes get
demo boards, speaker clusters with yesterday's programmes (listen-back)
and a survey; every commune gets answered questions, handled feedback and
site ratings. Idempotent.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import tenant_context
from tqdm import tqdm
from wagtail.rich_text import RichText

from broadcast.demo import create_demo_programmes
from broadcast.services import create_demo_clusters
from cms.demo import load as load_unit_demo
from engage.demo import create_demo_citizens
from engage.services import create_demo_survey
from reports.demo import load_demo_reports
from signage.services import create_demo_boards
from tenants.demo import article_html, read_corpus, summary_of
from tenants.models import Unit, UnitKind

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "ttcs-demo-2025")
ACCOUNTS = [
    # username, group (None: superuser), full name
    ("admin", None, "Quản trị viên"),
    ("bientap", settings.UNIT_EDITOR_GROUP, "Biên tập viên"),
    ("duyet", settings.UNIT_APPROVER_GROUP, "Người duyệt"),
]


def demo_units(province):
    """The province, up to two districts, and up to three communes each."""
    chosen = [province]
    districts = list(province.children.filter(kind=UnitKind.DISTRICT)[:2])
    chosen += districts
    for parent in districts or [province]:
        chosen += list(parent.children.exclude(kind=UnitKind.DISTRICT)[:3])
    return chosen


class Command(BaseCommand):
    help = "Nạp nội dung mẫu (từ văn bản thật), tài khoản, bảng tin, cụm loa."

    def add_arguments(self, parser):
        parser.add_argument("--province", default=None)
        parser.add_argument("--structure", type=int, default=None)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        provinces = Unit.objects.filter(
            kind=UnitKind.PROVINCE, provisioned_at__isnull=False
        )
        if options["structure"]:
            provinces = provinces.filter(structure=options["structure"])
        if options["province"]:
            provinces = provinces.filter(code=options["province"])
        province = (
            provinces.annotate(n=Count("children")).order_by("-n", "code").first()
        )
        if province is None:
            raise CommandError(
                "Chưa có tỉnh nào được nhập: chạy import_units trước "
                "(ví dụ: import_units --structure 2020 --province 94)."
            )
        corpus = read_corpus()
        if not corpus:
            self.stderr.write(
                f"Không thấy kho văn bản mẫu ở {settings.SHARED_DIR}/corpus; "
                "chỉ tạo tài khoản."
            )
        units = demo_units(province)
        communes = [u for u in units if u.kind not in ("province", "district")]
        # The seeds' minority language: the first commune shows Khmer pages.
        if communes and "km" not in (communes[0].languages or []):
            communes[0].languages = [*(communes[0].languages or []), "km"]
            communes[0].save(update_fields=["languages"])
        for index, unit in enumerate(
            tqdm(units, desc="Nội dung mẫu", disable=options["no_progress"] or None)
        ):
            with tenant_context(unit):
                self.create_accounts()
                self.create_content(unit, corpus, index)
                # Contacts, leaders, procedures, legal documents, Khmer.
                load_unit_demo(unit)
        for unit in communes[:2]:
            create_demo_survey(unit)
            for board, url in create_demo_boards(unit) or []:
                self.stdout.write(f"Bảng tin {board} – trình phát: {url}")
            create_demo_clusters(unit)
            # What the clusters aired yesterday: listen-back is not empty.
            create_demo_programmes(unit)
        # Questions, feedback and ratings: the portals show their communes'.
        for unit in communes:
            create_demo_citizens(unit)
        # Registries, departments, the plan's targets and a report period.
        load_demo_reports(province, units)
        self.stdout.write(
            self.style.SUCCESS(
                f"Nội dung mẫu sẵn sàng cho {len(units)} đơn vị của {province}."
            )
        )

    def create_accounts(self):
        User = get_user_model()
        for username, group_name, full_name in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": full_name,
                    "is_superuser": group_name is None,
                    "is_staff": group_name is None,
                    "email": f"{username}@example.invalid",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))

    def create_content(self, unit, corpus, offset):
        from wagtail.documents import get_document_model

        from cms.models import ArticlePage, SectionPage

        news = SectionPage.objects.filter(slug="tin-tuc").first()
        if news is None or ArticlePage.objects.descendant_of(news).exists():
            return
        Document = get_document_model()
        documents = corpus[offset % len(corpus) :] + corpus[: offset % len(corpus)]
        for document in documents:
            if not Document.objects.filter(title=document.title).exists():
                Document.objects.create(
                    title=document.title,
                    file=ContentFile(
                        document.path.read_bytes(), name=document.path.name
                    ),
                )
        # Articles from the clean plans (OCR text stays in the documents).
        clean = [d for d in documents if d.clean] or documents
        for document in clean[:2]:
            for heading, paragraphs in document.sections[:4]:
                topic = heading.split(". ", 1)[-1].strip().capitalize()
                title = f"{topic} – {document.title}"[:250]
                article = news.add_child(
                    instance=ArticlePage(
                        title=title,
                        summary=summary_of(paragraphs),
                        body=[("paragraph", RichText(article_html(paragraphs)))],
                        date=timezone.localdate(),
                    )
                )
                article.save_revision().publish()
        intro = SectionPage.objects.filter(slug="gioi-thieu").first()
        if intro is not None and not intro.intro:
            intro.intro = (
                f"<p>{unit.name_with_type} là đơn vị hành chính thuộc "
                f"{unit.parent or 'Việt Nam'}. Trang thông tin điện tử của "
                "đơn vị cung cấp tin tức, văn bản, thông báo và tiếp nhận ý kiến "
                "của người dân.</p>"
            )
            intro.save_revision().publish()
