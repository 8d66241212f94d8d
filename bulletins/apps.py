from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "Thông tin nguồn"

    def ready(self):
        from django.db.models.signals import post_delete

        from . import receivers
        from .models import Bulletin
        from .signals import bulletin_status_changed

        bulletin_status_changed.connect(
            receivers.status_changed, sender=Bulletin, dispatch_uid="bulletins-search"
        )
        post_delete.connect(
            receivers.deleted, sender=Bulletin, dispatch_uid="bulletins-unindex"
        )
        from . import indicators  # noqa: F401 - registers its reports indicators
