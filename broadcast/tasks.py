"""Background work of the broadcast app (runs in the public schema)."""

from celery import shared_task

from . import services
from .devices.mqtt import publish_outbox as _publish_outbox


@shared_task(
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=None,
    acks_late=True,
)
def publish_outbox():
    """Drain the outbox; a broker that is down means retry with backoff."""
    published, failed = _publish_outbox()
    if failed:
        raise ConnectionError(f"{failed} publishes not acknowledged by the broker")
    return published


@shared_task(acks_late=True)
def process_bulletin_requests():
    """Bulletins handed to the speakers become programs (see services)."""
    return services.process_bulletin_requests()


@shared_task
def fire_due_schedules():
    return len(services.fire_due_schedules())


@shared_task
def sweep():
    """Expire stale deliveries, retry unacknowledged ones, settle those a
    play report proved aired (a plan item played offline), republish the
    outbox left by a worker that died."""
    expired = services.expire_overdue()
    services.settle_reported_plays()
    retried = services.retry_unacknowledged()
    services.process_bulletin_requests()
    publish_outbox.delay()
    return expired, retried


@shared_task
def alert_offline_clusters():
    """Clusters silent too long: notice and e-mail to commune and district."""
    return services.alert_offline_clusters()


@shared_task
def send_plans():
    """Each device's plan of today and tomorrow, when it changed."""
    return services.send_plans()


@shared_task
def send_unit_plans(unit_id):
    """After a schedule change: the plans of the unit's devices (and below)."""
    from tenants.models import Unit

    unit = Unit.objects.filter(pk=unit_id).first()
    return services.send_unit_plans(unit) if unit is not None else 0
