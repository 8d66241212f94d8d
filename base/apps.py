from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "base"
    verbose_name = "Nền tảng chung"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
