"""Background work of the citizen app: pushes (queued with
base.tasks.enqueue_on_commit, which names the schema they run in)."""

from celery import shared_task

from . import services


@shared_task(bind=True, max_retries=30)
def push_bulletin(self, bulletin_id):
    """Push one sent emergency or priority bulletin (public schema), after
    its fan-out."""
    try:
        message = services.push_bulletin(bulletin_id)
    except services.NotReady as waiting:
        raise self.retry(countdown=2, exc=waiting) from waiting
    return message and {"sent": message.sent, "failed": message.failed}


@shared_task
def push_page(unit_id, page_id):
    """Push one announcement marked for push (the unit's schema)."""
    message = services.push_page(unit_id, page_id)
    return message and {"sent": message.sent, "failed": message.failed}
