"""Reminders for periodic reports (Celery beat, see CELERY_BEAT_SCHEDULE).

Every run looks for reports not yet submitted (or returned) whose deadline is
within the period's ``remind_days`` or already past; each gets one
``ReportReminder`` a day, shown in the unit's admin, and an e-mail to the
unit's active users with an address. Running twice a day sends nothing twice.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from .models import PeriodicReport, ReportReminder
from .pipeline import EDITABLE


def due_reports(today):
    # remind_days is at most a few weeks: narrow in SQL, decide per period here.
    candidates = PeriodicReport.objects.filter(
        status__in=EDITABLE, period__deadline__lte=today + datetime.timedelta(days=366)
    ).select_related("period", "period__unit", "unit")
    return [
        r
        for r in candidates
        if r.period.deadline - datetime.timedelta(days=r.period.remind_days) <= today
    ]


def message_for(report, today):
    deadline = report.period.deadline
    days = (deadline - today).days
    what = f"Báo cáo “{report.period.title}” gửi {report.period.unit}"
    if days < 0:
        return (
            f"{what} đã quá hạn {-days} ngày (hạn {deadline:%d/%m/%Y}). Hãy nộp ngay."
        )
    if days == 0:
        return f"{what} hết hạn hôm nay ({deadline:%d/%m/%Y})."
    return f"{what} còn {days} ngày nữa là hết hạn ({deadline:%d/%m/%Y})."


def unit_emails(unit):
    """Addresses of the unit's own active users (they live in its schema)."""
    if not unit.provisioned_at:
        return []
    with tenant_context(unit):
        return sorted(
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )


@shared_task
def send_report_reminders():
    today = timezone.localdate()
    sent = 0
    for report in due_reports(today):
        if ReportReminder.objects.filter(report=report, day=today).exists():
            continue
        text = message_for(report, today)
        try:
            with transaction.atomic():
                reminder = ReportReminder.objects.create(
                    report=report, day=today, message=text
                )
        except IntegrityError:  # another run got there first
            continue
        emails = unit_emails(report.unit)
        if emails:
            send_mail(
                subject=f"[TTCS] Nhắc nộp báo cáo: {report.period.title}",
                message=text
                + "\n\nVào trang quản trị của đơn vị, mục “Báo cáo định kỳ”.",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=emails,
                fail_silently=False,
            )
            reminder.emailed_to = emails
            reminder.save(update_fields=["emailed_to"])
        sent += 1
    return sent
