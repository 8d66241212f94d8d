"""Indicators owned by engage (registered in reports.registry)."""

from django.db.models import Count, F, Q

from reports.registry import register

from .choices import QuestionStatus
from .models import Feedback, Question, open_q
from .pipeline import FeedbackStatus


def _feedback(subtree, period):
    return Feedback.objects.filter(
        unit_id__in=subtree.ids,
        created_at__gte=period.start_dt,
        created_at__lt=period.end_dt,
    )


HANDLED = ~open_q()


@register(
    "feedback_handled",
    label="Phản ánh, kiến nghị của người dân được tiếp nhận và xử lý xong",
    group="citizens",
    measured_on="phản ánh, kiến nghị nhận trong kỳ",
    order=10,
)
def feedback_handled(subtree, period):
    rows = (
        _feedback(subtree, period)
        .values("unit_id")
        .annotate(n=Count("pk", filter=HANDLED), total=Count("pk"))
    )
    return {r["unit_id"]: (r["n"], r["total"]) for r in rows}


@register(
    "feedback_on_time",
    label="Phản ánh, kiến nghị được xử lý đúng hạn",
    group="citizens",
    measured_on="phản ánh, kiến nghị đã xử lý",
    order=20,
)
def feedback_on_time(subtree, period):
    answered = Q(status__in=(FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED))
    on_time = answered & (Q(deadline__isnull=True) | Q(answered_at__lte=F("deadline")))
    rows = (
        _feedback(subtree, period)
        .filter(answered)
        .values("unit_id")
        .annotate(n=Count("pk", filter=on_time), total=Count("pk"))
    )
    return {r["unit_id"]: (r["n"], r["total"]) for r in rows}


@register(
    "questions_answered",
    label="Câu hỏi của người dân đã được trả lời",
    group="citizens",
    measured_on="câu hỏi nhận trong kỳ (trừ câu không đăng)",
    order=30,
)
def questions_answered(subtree, period):
    rows = (
        Question.objects.filter(
            unit_id__in=subtree.ids,
            created_at__gte=period.start_dt,
            created_at__lt=period.end_dt,
        )
        .exclude(status=QuestionStatus.HIDDEN)
        .values("unit_id")
        .annotate(
            n=Count("pk", filter=Q(status=QuestionStatus.ANSWERED)), total=Count("pk")
        )
    )
    return {r["unit_id"]: (r["n"], r["total"]) for r in rows}
