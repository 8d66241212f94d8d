from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Mạng xã hội (Zalo OA)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401 - published pages go to the OA
