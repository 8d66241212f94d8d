from django.apps import AppConfig


class BroadcastConfig(AppConfig):
    name = "broadcast"
    verbose_name = "Truyền thanh"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from bulletins.signals import bulletin_for_channel, bulletin_withdrawn

        from . import (
            checks,  # noqa: F401 - registers the system checks
            receivers,
            services,
        )
        from .devices import broker_config, paho_speed
        from .models import SpeakerCluster

        # paho's MQTT 5 properties without their per-packet table building
        # (publisher, listener, simulated devices: devices/paho_speed.py).
        paho_speed.install()

        post_save.connect(
            services.cluster_saved,
            sender=SpeakerCluster,
            dispatch_uid="broadcast-cluster-config",
        )
        for signal in (post_save, post_delete):
            signal.connect(
                broker_config.clusters_changed,
                sender=SpeakerCluster,
                dispatch_uid=f"broadcast-broker-{signal is post_save}",
            )

        bulletin_for_channel.connect(
            receivers.on_bulletin_for_channel, dispatch_uid="broadcast-bulletin"
        )
        bulletin_withdrawn.connect(
            receivers.on_bulletin_withdrawn, dispatch_uid="broadcast-withdrawn"
        )
        from . import indicators  # noqa: F401 - registers its reports indicators
