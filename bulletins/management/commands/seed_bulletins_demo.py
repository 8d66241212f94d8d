"""Demo data for bulletins: officer accounts and one sent bulletin.

    python manage.py seed_bulletins_demo [--province CODE] [--password P]

Creates (idempotently), in the platform's (public schema) admin:
  canbo.tinh   – officer (approver) of the province
  canbo.huyen  – officer (approver) of the province's first district, if any
and sends one priority bulletin from the province to all its communes on
web, board and speaker. They log in at http://<BASE_DOMAIN>:8000/admin/.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bulletins import services
from bulletins.models import Bulletin, OfficerProfile
from tenants.models import Unit


class Command(BaseCommand):
    help = "Tạo tài khoản cán bộ và một thông tin nguồn mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--province", default=None)
        parser.add_argument("--password", default="ttcs-demo-2025")
        parser.add_argument(
            "--now", action="store_true", help="chạy chuyển ngay, không chờ worker"
        )

    def handle(self, *args, province=None, password=None, now=False, **options):
        connection.set_schema_to_public()
        provinces = Unit.objects.filter(kind="province", provisioned_at__isnull=False)
        if province:
            provinces = provinces.filter(code=province)
        root = provinces.order_by("path").first()
        if root is None:
            raise CommandError("Chưa có tỉnh nào: hãy nhập đơn vị trước.")
        district = root.children.filter(kind="district").order_by("path").first()
        tinh = self.officer("canbo.tinh", "Cán bộ Tỉnh", root, password)
        if district is not None:
            self.officer("canbo.huyen", "Cán bộ Huyện", district, password)
        title = "Khuyến cáo phòng chống dịch sốt xuất huyết mùa mưa"
        bulletin = Bulletin.objects.filter(title=title, sender_unit=root).first()
        if bulletin is None:
            bulletin = services.create_bulletin(
                user=tinh,
                scope=root,
                title=title,
                body=(
                    "Sở Y tế khuyến cáo người dân chủ động phòng chống sốt xuất "
                    "huyết.\nThường xuyên diệt lăng quăng, loại bỏ vật chứa nước "
                    "đọng.\nKhi có dấu hiệu sốt cao, đến ngay cơ sở y tế gần nhất."
                ),
                category="health",
                priority="priority",
                channels=["web", "board", "speaker"],
                target_mode="subtree",
                target_root=root,
                valid_from=timezone.now(),
                valid_until=timezone.now() + timezone.timedelta(days=30),
            )
            services.send_bulletin(bulletin, user=tinh)
        if now:
            for pk in list(services.pending_outbox()):
                services.fan_out(pk)
        self.stdout.write(
            f"Thông tin nguồn #{bulletin.pk} «{bulletin.title}» từ {root}; "
            f"tài khoản canbo.tinh"
            + (", canbo.huyen" if district else "")
            + f" / mật khẩu {password}"
        )

    def officer(self, username, full_name, unit, password):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": full_name}
        )
        if created:
            user.set_password(password)
            user.save()
        user.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )
        OfficerProfile.objects.update_or_create(
            user=user, defaults={"unit": unit, "role": "approver"}
        )
        return user
