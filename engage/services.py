"""Public surface of engage: filing, answering, routing, queue figures."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from .choices import ROUTED_UP, QuestionStatus
from .models import Feedback, FeedbackPhoto, Question, SiteRating, open_q, overdue_q


def route_unit(unit, category):
    """The unit that handles feedback of ``category`` filed with ``unit``."""
    level = ROUTED_UP.get(category)
    if not level or unit.kind in ("district", "province"):
        return unit
    chain = unit.ancestors()
    wanted = [u for u in chain if u.kind == level] or chain[:1]
    return wanted[-1] if wanted else unit


def file_feedback(*, unit, photos=(), **fields):
    """Create a feedback in the right unit's queue with its cleaned photos."""
    with transaction.atomic():
        feedback = Feedback.objects.create(
            unit=route_unit(unit, fields.get("category")), filed_with=unit, **fields
        )
        for content, (width, height) in photos:
            photo = FeedbackPhoto(feedback=feedback, width=width, height=height)
            photo.image.save(content.name, content, save=True)
    return feedback


def answer_survey(survey, form, token):
    """Record a valid ``SurveyAnswerForm`` as one response under ``token``
    (the ballot's nonce). False when that token has answered already."""
    from .choices import QuestionKind
    from .models import SurveyAnswer, SurveyResponse

    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, token=token)
            for name, field in form.fields.items():
                q = getattr(field, "question", None)
                if q is None:
                    continue
                value = form.cleaned_data.get(name)
                answer = SurveyAnswer(response=response, question=q)
                if q.kind == QuestionKind.SINGLE and value:
                    answer.choices = [value]
                elif q.kind == QuestionKind.MULTIPLE:
                    answer.choices = list(value or [])
                elif q.kind == QuestionKind.SCALE:
                    answer.scale = value or None
                else:
                    answer.text = value or ""
                answer.save()
    except IntegrityError:
        return False
    return True


def ask_question(*, unit, **fields):
    return Question.objects.create(unit=unit, **fields)


def answer_question(question, *, answer, actor=""):
    question.answer = answer
    question.answered_by = actor
    question.status = QuestionStatus.ANSWERED
    question.save()
    return question


def question_for_host(code, unit):
    """A question by its tracking code, only on its own unit's host."""
    code = (code or "").strip().upper()
    return Question.objects.select_related("unit").filter(code=code, unit=unit).first()


def feedback_for_host(code, unit):
    """A feedback by its tracking code, only on the host of the unit it was
    filed with or the unit handling it now (the parent, after a transfer)."""
    code = (code or "").strip().upper()
    return (
        Feedback.objects.select_related("unit")
        .filter(code=code)
        .filter(Q(unit=unit) | Q(filed_with=unit))
        .first()
    )


def find_by_code(code, unit):
    """A question or feedback by its tracking code, as seen on ``unit``'s host
    (codes of other units are "not found" there)."""
    code = (code or "").strip().upper()
    if code.startswith("H"):
        return question_for_host(code, unit)
    if code.startswith("P"):
        return feedback_for_host(code, unit)
    return None


def queue_figures(units):
    """Per unit: pending questions, open and overdue feedback (for officers)."""
    now = timezone.now()
    ids = [u.pk for u in units]
    fb = {
        row["unit"]: row
        for row in Feedback.objects.filter(unit__in=ids)
        .values("unit")
        .annotate(
            open=Count("pk", filter=open_q()),
            overdue=Count("pk", filter=overdue_q(now)),
        )
    }
    qs = {
        row["unit"]: row["pending"]
        for row in Question.objects.filter(unit__in=ids)
        .values("unit")
        .annotate(pending=Count("pk", filter=Q(status=QuestionStatus.PENDING)))
    }
    return [
        {
            "unit": u,
            "pending_questions": qs.get(u.pk, 0),
            "open_feedback": fb.get(u.pk, {}).get("open", 0),
            "overdue_feedback": fb.get(u.pk, {}).get("overdue", 0),
        }
        for u in units
    ]


def rating_summary(unit):
    from django.db.models import Avg

    return SiteRating.objects.filter(unit=unit).aggregate(
        interface=Avg("interface"),
        content=Avg("content"),
        usefulness=Avg("usefulness"),
        count=Count("pk"),
    )


def create_demo_survey(unit):
    """A survey open for a month, for the demo (idempotent)."""
    from datetime import timedelta

    from django.utils import timezone

    from .choices import QuestionKind
    from .models import Survey, SurveyQuestion

    title = "Khảo sát mức độ hài lòng về hệ thống truyền thanh cơ sở"
    survey = Survey.objects.filter(unit=unit, title=title).first()
    if survey is not None:
        return survey
    now = timezone.now()
    survey = Survey.objects.create(
        unit=unit,
        title=title,
        description="Ý kiến của bà con giúp xã cải thiện loa truyền thanh và bảng tin.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    questions = [
        (
            QuestionKind.SINGLE,
            "Ông/bà có nghe rõ loa truyền thanh tại nơi ở không?",
            "Rất rõ\nTạm được\nKhông nghe rõ\nKhông có loa gần nhà",
        ),
        (
            QuestionKind.MULTIPLE,
            "Ông/bà thường nhận thông tin của xã qua kênh nào?",
            "Loa truyền thanh\nBảng tin điện tử\nTrang thông tin điện tử\n"
            "Zalo, mạng xã hội",
        ),
        (
            QuestionKind.SCALE,
            "Mức độ hài lòng chung (1 = rất không hài lòng, 5 = rất hài lòng)",
            "",
        ),
        (QuestionKind.TEXT, "Góp ý thêm của ông/bà", ""),
    ]
    for order, (kind, text, choices) in enumerate(questions):
        SurveyQuestion.objects.create(
            survey=survey,
            sort_order=order,
            kind=kind,
            text=text,
            choices=choices,
            required=kind != QuestionKind.TEXT,
        )
    return survey


def hostnames(unit_ids):
    """The primary hostname of each unit (one query)."""
    from tenants.models import Domain

    hosts = {}
    for domain in Domain.objects.filter(tenant__in=unit_ids).order_by(
        "-is_primary", "domain"
    ):
        hosts.setdefault(domain.tenant_id, domain.domain)
    return hosts


def ratings_by_level(unit):
    """On a portal: citizens' ratings of the units below, per level (the
    districts, the communes) and per unit, best first. Empty elsewhere."""
    from django.db.models import Avg

    from tenants.models import COMMUNE_KINDS

    if unit.kind not in ("province", "district"):
        return []
    below = unit.descendants().exclude(kind="department")
    rows = (
        SiteRating.objects.filter(unit__in=below)
        .values("unit", "unit__name_with_type", "unit__kind")
        .annotate(
            interface=Avg("interface"),
            content=Avg("content"),
            usefulness=Avg("usefulness"),
            count=Count("pk"),
        )
    )
    levels = {}
    for row in rows:
        row["overall"] = (row["interface"] + row["content"] + row["usefulness"]) / 3
        level = "Cấp xã" if row["unit__kind"] in COMMUNE_KINDS else "Cấp huyện"
        levels.setdefault(level, []).append(row)
    result = []
    for level in ("Cấp huyện", "Cấp xã"):
        if level in levels:
            units = sorted(levels[level], key=lambda r: -r["overall"])
            total = sum(r["count"] for r in units)
            overall = sum(r["overall"] * r["count"] for r in units) / total
            result.append(
                {"level": level, "units": units, "count": total, "overall": overall}
            )
    return result
