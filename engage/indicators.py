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


ANSWERED = Q(status__in=(FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED))
ON_TIME = ANSWERED & (Q(deadline__isnull=True) | Q(answered_at__lte=F("deadline")))


def _feedback_counts(subtree, period):
    """{unit id: (handled, received, on time, answered)}: one grouped scan of
    the period's feedback shared by the two indicators below."""
    key = ("engage_feedback", period)
    if key not in subtree.memo:
        rows = (
            _feedback(subtree, period)
            .values("unit_id")
            .annotate(
                handled=Count("pk", filter=HANDLED),
                total=Count("pk"),
                on_time=Count("pk", filter=ON_TIME),
                answered=Count("pk", filter=ANSWERED),
            )
            .order_by()
        )
        subtree.memo[key] = {
            r["unit_id"]: (r["handled"], r["total"], r["on_time"], r["answered"])
            for r in rows
        }
    return subtree.memo[key]


@register(
    "feedback_handled",
    label="Phản ánh, kiến nghị của người dân được tiếp nhận và xử lý xong",
    group="citizens",
    measured_on="phản ánh, kiến nghị nhận trong kỳ",
    order=10,
)
def feedback_handled(subtree, period):
    return {
        pk: (handled, total)
        for pk, (handled, total, _, _) in _feedback_counts(subtree, period).items()
    }


@register(
    "feedback_on_time",
    label="Phản ánh, kiến nghị được xử lý đúng hạn",
    group="citizens",
    measured_on="phản ánh, kiến nghị đã xử lý",
    order=20,
)
def feedback_on_time(subtree, period):
    return {
        pk: (on_time, answered)
        for pk, (_, _, on_time, answered) in _feedback_counts(subtree, period).items()
        if answered
    }


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
