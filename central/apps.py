from django.apps import AppConfig


class CentralConfig(AppConfig):
    name = "central"
    verbose_name = "Kết nối Hệ thống thông tin nguồn Trung ương"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401 - delivery states go upward
