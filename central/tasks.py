"""Background work of the central exchange (public schema)."""

from celery import shared_task


@shared_task(name="central.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox():
    """Send what is due (after each enqueue, and by beat for retries)."""
    from . import services

    return services.deliver_due()


@shared_task(name="central.tasks.send_monthly_figures", ignore_result=True)
def send_monthly_figures():
    """Beat, on the 1st: last month's figures of the province."""
    import datetime

    from django.utils import timezone

    from reports.registry import Period

    from . import services

    if services.province() is None:
        return None
    first = timezone.localdate().replace(day=1)
    last_month_end = first - datetime.timedelta(days=1)
    period = Period(last_month_end.replace(day=1), last_month_end)
    return services.queue_figures(period).pk
