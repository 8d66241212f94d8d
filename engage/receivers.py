"""Reactions inside engage: answered questions enter the search index,
status changes are mailed to the citizen, new units' groups get access."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from search import services as search
from search.registry import register_provider

from . import tokens
from .choices import FeedbackStatus
from .models import Feedback, Question
from .signals import feedback_status_changed

logger = logging.getLogger(__name__)


def question_document(question):
    return {
        "unit": question.unit,
        "kind": "question",
        "object_id": question.pk,
        "title": question.title,
        "body": f"{question.body}\n{question.answer}",
        "url": question.public_url(),
        "category": question.get_category_display(),
        "published_at": question.answered_at or question.created_at,
        "extra": {"code": question.code},
    }


@receiver(post_save, sender=Question)
def question_saved(sender, instance, **kwargs):
    try:
        if instance.is_public:
            search.index_document(**question_document(instance))
        else:
            search.remove_document(
                unit=instance.unit, kind="question", object_id=instance.pk
            )
    except Exception:  # noqa: BLE001 - an index outage must not lose an answer
        logger.exception("engage: could not index question %s", instance.code)


@receiver(post_delete, sender=Question)
def question_deleted(sender, instance, **kwargs):
    search.remove_document(unit=instance.unit, kind="question", object_id=instance.pk)


@register_provider
def answered_questions(unit):
    for question in Question.objects.filter(unit=unit, status="answered"):
        yield question_document(question)


def _site_root(unit):
    from django_tenants.utils import tenant_context
    from wagtail.models import Site

    with tenant_context(unit):
        site = Site.objects.filter(is_default_site=True).first()
        return site.root_url if site else f"http://{unit.primary_hostname}"


@receiver(feedback_status_changed, sender=Feedback)
def mail_the_citizen(sender, feedback, old_status, new_status, note="", **kwargs):
    if not feedback.email:
        return
    lines = [
        f"Phản ánh, kiến nghị “{feedback.title}” (mã {feedback.code}) đã chuyển "
        f"sang trạng thái: {FeedbackStatus(new_status).label}.",
        f"Đơn vị xử lý: {feedback.unit}.",
    ]
    if new_status == FeedbackStatus.REJECTED:
        lines.append(f"Lý do: {feedback.reject_reason}")
    if new_status == FeedbackStatus.ANSWERED:
        lines.append(f"Trả lời: {feedback.answer}")
        # The sender's own rating link (the code alone does not allow rating).
        lines.append(
            "Đánh giá kết quả xử lý tại đường dẫn riêng của bạn (đừng chia sẻ): "
            f"{_site_root(feedback.filed_with)}{tokens.rating_url(feedback)}"
        )
    lines.append(f"Theo dõi tại trang Phản ánh, kiến nghị với mã {feedback.code}.")
    try:
        send_mail(
            f"[{feedback.code}] {FeedbackStatus(new_status).label}",
            "\n\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [feedback.email],
        )
    except Exception:  # noqa: BLE001 - a mail failure must not undo the change
        logger.exception("could not mail feedback %s", feedback.code)


def grant_engage_permissions(unit, **kwargs):
    """Editors and approvers of a new unit handle its citizen interaction."""
    from django.contrib.auth.models import Group, Permission
    from django_tenants.utils import tenant_context

    with tenant_context(unit):
        perms = Permission.objects.filter(content_type__app_label="engage")
        for name in (settings.UNIT_EDITOR_GROUP, settings.UNIT_APPROVER_GROUP):
            group = Group.objects.filter(name=name).first()
            if group is not None:
                group.permissions.add(*perms)
