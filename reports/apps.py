from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Đánh giá – Báo cáo"

    def ready(self):
        from . import indicators  # noqa: F401 - reports' own registries
