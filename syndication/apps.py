from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "syndication"
    verbose_name = "Tin từ cơ sở"

    def ready(self):
        # Connect Wagtail's page signals; register the reports indicators.
        from . import indicators, receivers  # noqa: F401
