from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Đơn vị hành chính"

    def ready(self):
        from . import checks, signals  # noqa: F401
