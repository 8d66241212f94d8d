"""Background work of the cms app."""

from celery import shared_task
from django.core.management import call_command
from django_tenants.utils import schema_context


@shared_task
def publish_scheduled_pages():
    """Scheduled go-live and expiry in every unit (Wagtail's
    ``publish_scheduled`` command, once per schema). Beat runs it every
    minute; it returns the schemas it went through."""
    from tenants.services import provisioned_units

    schemas = list(provisioned_units().values_list("schema_name", flat=True))
    for schema in schemas:
        with schema_context(schema):
            call_command("publish_scheduled", verbosity=0)
    return schemas
