from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "Thông tin nguồn"

    def ready(self):
        from django.db.models.signals import post_delete

        from . import emergency, receivers
        from .models import Bulletin, Delivery
        from .signals import bulletin_status_changed, delivery_state_changed

        bulletin_status_changed.connect(
            receivers.status_changed, sender=Bulletin, dispatch_uid="bulletins-search"
        )
        # The site-wide emergency banner (and the page cache) follow.
        bulletin_status_changed.connect(
            emergency.status_changed, sender=Bulletin, dispatch_uid="bulletins-sos"
        )
        delivery_state_changed.connect(
            emergency.delivery_changed,
            sender=Delivery,
            dispatch_uid="bulletins-sos-delivery",
        )
        post_delete.connect(
            receivers.deleted, sender=Bulletin, dispatch_uid="bulletins-unindex"
        )
        from . import indicators  # noqa: F401 - registers its reports indicators
