from django.apps import AppConfig


class EngageConfig(AppConfig):
    name = "engage"
    verbose_name = "Tương tác người dân"

    def ready(self):
        from tenants.signals import unit_provisioned

        from . import receivers

        unit_provisioned.connect(
            receivers.grant_engage_permissions, dispatch_uid="engage-permissions"
        )
        from . import indicators  # noqa: F401 - registers its reports indicators
