from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API mở"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import cors, schema  # noqa: F401 - CORS receiver, OpenAPI of keys
