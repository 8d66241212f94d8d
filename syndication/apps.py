from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "syndication"
    verbose_name = "Tin từ cơ sở"

    def ready(self):
        from . import receivers  # noqa: F401 - connects Wagtail's page signals
