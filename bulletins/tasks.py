"""Background work of bulletins (queued from the platform: public schema)."""

from celery import shared_task
from celery.signals import worker_ready

from base.tasks import enqueue

from . import services


@shared_task
def fan_out_bulletin(outbox_id):
    """Create the deliveries of one outbox row."""
    return services.fan_out(outbox_id)


@shared_task
def drain_outbox():
    """Process every outbox row still waiting (beat, and on worker start)."""
    return sum(services.fan_out(pk) for pk in list(services.pending_outbox()))


@shared_task
def expire_deliveries():
    return services.expire_deliveries()


@worker_ready.connect
def drain_on_start(sender=None, **kwargs):
    """A worker that was down catches up with bulletins sent meanwhile
    (when the broker refuses, beat drains later)."""
    enqueue(drain_outbox)
