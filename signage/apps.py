from django.apps import AppConfig


class SignageConfig(AppConfig):
    name = "signage"
    verbose_name = "Bảng tin điện tử"

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from bulletins.signals import bulletin_for_channel, bulletin_withdrawn

        from . import services

        bulletin_for_channel.connect(
            services.on_bulletin_for_channel, dispatch_uid="signage_bulletin"
        )
        bulletin_withdrawn.connect(
            services.on_bulletin_withdrawn, dispatch_uid="signage_withdrawn"
        )
        page_published.connect(services.on_page_changed, dispatch_uid="signage_pub")
        page_unpublished.connect(services.on_page_changed, dispatch_uid="signage_unpub")
        from . import indicators  # noqa: F401 - registers its reports indicators
