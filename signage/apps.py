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
        from django.db.models.signals import m2m_changed, pre_delete

        from .models import BoardGroup

        m2m_changed.connect(
            services.group_members_changed,
            sender=BoardGroup.boards.through,
            dispatch_uid="signage_group_members",
        )
        pre_delete.connect(
            services.group_deleted, sender=BoardGroup, dispatch_uid="signage_group_del"
        )
        from . import indicators  # noqa: F401 - registers its reports indicators
