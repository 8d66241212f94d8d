from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Tìm kiếm"

    def ready(self):
        from . import (
            checks,  # noqa: F401 - registers the system checks
            receivers,  # noqa: F401 - connects Wagtail's signals
        )
