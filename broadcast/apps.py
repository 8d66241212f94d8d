from django.apps import AppConfig


class BroadcastConfig(AppConfig):
    name = "broadcast"
    verbose_name = "Truyền thanh"

    def ready(self):
        from bulletins.signals import bulletin_for_channel, bulletin_withdrawn

        from . import (
            checks,  # noqa: F401 - registers the system checks
            receivers,
        )

        bulletin_for_channel.connect(
            receivers.on_bulletin_for_channel, dispatch_uid="broadcast-bulletin"
        )
        bulletin_withdrawn.connect(
            receivers.on_bulletin_withdrawn, dispatch_uid="broadcast-withdrawn"
        )
