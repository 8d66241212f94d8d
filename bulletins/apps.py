from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "Thông tin nguồn"

    def ready(self):
        from django.db.models.signals import post_delete

        from . import services
        from .models import Bulletin

        post_delete.connect(
            services.unindex_for_search,
            sender=Bulletin,
            dispatch_uid="bulletins-unindex",
        )
        from . import indicators  # noqa: F401 - registers its reports indicators
