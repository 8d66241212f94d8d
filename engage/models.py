"""Citizen interaction (public schema, one row per item, ``unit`` says
whose queue it is in): questions and answers, feedback with its status
pipeline, surveys and site ratings."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from .choices import (
    Category,
    FeedbackKind,
    FeedbackStatus,
    QuestionKind,
    QuestionStatus,
)
from .pipeline import (
    FEEDBACK,
    OPEN_STATUSES,
    TRANSFERABLE_STATUSES,
    InvalidStatus,
    allowed_next,
)

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"


def new_code(prefix):
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def deadline_from(moment):
    return moment + timedelta(days=settings.ENGAGE_FEEDBACK_DEADLINE_DAYS)


ANSWER_REQUIRED = "Hãy nhập nội dung trả lời trước khi đăng."


class Question(models.Model):
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="engage_questions",
    )
    code = models.CharField("mã theo dõi", max_length=12, unique=True, editable=False)
    name = models.CharField("họ tên người hỏi", max_length=100, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    category = models.CharField(
        "lĩnh vực", max_length=20, choices=Category.choices, default=Category.OTHER
    )
    title = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung câu hỏi", max_length=4000)
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=QuestionStatus.choices,
        default=QuestionStatus.PENDING,
    )
    answer = models.TextField("trả lời chính thức", blank=True)
    answered_by = models.CharField("người trả lời", max_length=150, blank=True)
    answered_at = models.DateTimeField("ngày trả lời", null=True, blank=True)
    created_at = models.DateTimeField("ngày gửi", auto_now_add=True)

    class Meta:
        verbose_name = "câu hỏi"
        verbose_name_plural = "hỏi đáp trực tuyến"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = new_code("H")
        if self.status == QuestionStatus.ANSWERED and not self.answer.strip():
            raise ValidationError({"answer": ANSWER_REQUIRED})
        if self.status == QuestionStatus.ANSWERED and not self.answered_at:
            self.answered_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self):
        # Forms (the admin's included) call clean(): an empty answer is a form
        # error on the field, not the 500 that save()'s guard would give.
        if self.status == QuestionStatus.ANSWERED and not self.answer.strip():
            raise ValidationError({"answer": ANSWER_REQUIRED})

    @property
    def is_public(self):
        return self.status == QuestionStatus.ANSWERED

    def public_url(self):
        return f"/hoi-dap-truc-tuyen/{self.code}/"


def open_q():
    """Feedback still being handled (also usable inside an aggregate)."""
    return models.Q(status__in=OPEN_STATUSES)


def overdue_q(now=None):
    """Open feedback past its deadline."""
    return open_q() & models.Q(deadline__lt=now or timezone.now())


class FeedbackQuerySet(models.QuerySet):
    def open(self):
        return self.filter(open_q())

    def overdue(self, now=None):
        return self.filter(overdue_q(now))


class Feedback(models.Model):
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị xử lý",
        on_delete=models.CASCADE,
        related_name="engage_feedback",
    )
    filed_with = models.ForeignKey(
        "tenants.Unit",
        verbose_name="nơi tiếp nhận",
        on_delete=models.CASCADE,
        related_name="+",
    )
    code = models.CharField("mã theo dõi", max_length=12, unique=True, editable=False)
    kind = models.CharField(
        "loại", max_length=10, choices=FeedbackKind.choices, default=FeedbackKind.REPORT
    )
    category = models.CharField(
        "lĩnh vực", max_length=20, choices=Category.choices, default=Category.OTHER
    )
    title = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung", max_length=6000)
    location = models.CharField("địa điểm", max_length=255, blank=True)
    name = models.CharField("họ tên", max_length=100, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=12,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.RECEIVED,
        editable=False,
    )
    reject_reason = models.TextField("lý do từ chối", blank=True)
    answer = models.TextField("kết quả xử lý, trả lời", blank=True)
    deadline = models.DateTimeField("hạn xử lý", null=True, blank=True)
    answered_at = models.DateTimeField("ngày trả lời", null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        "đánh giá của người dân",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.CharField("ý kiến về kết quả", max_length=500, blank=True)
    created_at = models.DateTimeField("ngày gửi", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit", "status", "deadline"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = new_code("P")
        if not self.deadline:
            self.deadline = deadline_from(timezone.now())
        super().save(*args, **kwargs)

    @property
    def is_overdue(self):
        return bool(
            self.status in OPEN_STATUSES
            and self.deadline
            and self.deadline < timezone.now()
        )

    @property
    def is_public(self):
        return self.status in (FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED)

    def next_statuses(self):
        return allowed_next(self.status)

    def set_status(self, new_status, *, actor="", note="", reason="", answer=None):
        """The one place a status changes: the fields each step needs, then
        ``FEEDBACK.set_status`` (check, save, event, signal after commit).
        Raises InvalidStatus with a Vietnamese message."""
        new_status = FeedbackStatus(new_status)
        FEEDBACK.check(self.status, new_status)
        now = timezone.now()
        changes = {"updated_at": now}
        if new_status == FeedbackStatus.ANSWERED:
            answer = self.answer if answer is None else answer
            if not answer.strip():
                raise InvalidStatus("Hãy nhập nội dung trả lời trước.")
            changes.update(answer=answer, answered_at=now)
        if new_status == FeedbackStatus.REJECTED:
            if not (reason or "").strip():
                raise InvalidStatus("Từ chối phải nêu rõ lý do.")
            changes["reject_reason"] = reason.strip()
        if new_status == FeedbackStatus.ACCEPTED:
            changes["deadline"] = deadline_from(now)
        FEEDBACK.set_status(
            self, new_status, changes=changes, actor=actor, note=note or reason
        )
        return self

    def answer_now(self, answer, *, actor="", note=""):
        """Answer in one step (ux B7/§2): the steps the pipeline asks for on
        the way (thụ lý, đang xử lý) are taken and recorded one by one, in
        one transaction, so the history stays true and nothing is skipped."""
        if not (answer or "").strip():
            raise InvalidStatus("Hãy nhập nội dung trả lời trước.")
        path = FEEDBACK.route(self.status, FeedbackStatus.ANSWERED)
        if path is None:
            raise InvalidStatus(FEEDBACK.refusal(self.status, FeedbackStatus.ANSWERED))
        with transaction.atomic():
            for step in path:
                if step == FeedbackStatus.ANSWERED:
                    self.set_status(step, actor=actor, note=note, answer=answer)
                else:
                    self.set_status(step, actor=actor, note="Ghi nhận khi trả lời.")
        return self

    def transfer_to_parent(self, *, actor="", note=""):
        """Send the feedback up to the parent unit; it starts there afresh."""
        if self.status not in TRANSFERABLE_STATUSES:
            raise InvalidStatus(
                "Chỉ chuyển lên cấp trên khi phản ánh chưa bắt đầu xử lý."
            )
        parent = self.unit.parent
        if parent is None or parent.kind == "platform":
            raise InvalidStatus("Đơn vị này không có cấp trên để chuyển.")
        old = self.status
        with transaction.atomic():
            self.events.create(
                unit=self.unit,
                from_status=old,
                to_status=FeedbackStatus.RECEIVED,
                actor=actor[:150],
                note=f"Chuyển lên {parent}. {note}".strip()[:2000],
            )
            self.unit = parent
            self.status = FeedbackStatus.RECEIVED
            self.deadline = deadline_from(timezone.now())
            self.save()
            FEEDBACK.notify(
                [(self, old, FeedbackStatus.RECEIVED)],
                actor=actor,
                note=f"Chuyển lên {parent}",
            )
        return self

    def public_url(self):
        return f"/phan-anh-kien-nghi/{self.code}/"


class FeedbackPhoto(models.Model):
    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("ảnh", upload_to="engage/feedback/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "ảnh kèm theo"
        verbose_name_plural = "ảnh kèm theo"


class FeedbackEvent(models.Model):
    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="events"
    )
    unit = models.ForeignKey("tenants.Unit", on_delete=models.CASCADE, related_name="+")
    from_status = models.CharField(max_length=12, choices=FeedbackStatus.choices)
    to_status = models.CharField(max_length=12, choices=FeedbackStatus.choices)
    actor = models.CharField("người thực hiện", max_length=150, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


# --- surveys -----------------------------------------------------------------------


class SurveyFrozen(ValidationError):
    pass


FROZEN_MESSAGE = "Khảo sát đã có người trả lời: không thể thêm, sửa hay xóa câu hỏi."


class Survey(ClusterableModel):
    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="engage_surveys",
        editable=False,
    )
    title = models.CharField("tên khảo sát", max_length=200)
    description = models.TextField("giới thiệu", blank=True)
    opens_at = models.DateTimeField("mở từ")
    closes_at = models.DateTimeField("đóng lúc")
    is_published = models.BooleanField("đăng công khai", default=True)
    show_results = models.BooleanField("công khai kết quả", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khảo sát"
        verbose_name_plural = "khảo sát ý kiến"
        ordering = ["-opens_at"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": "Thời điểm đóng phải sau thời điểm mở."}
            )

    @property
    def is_open(self):
        now = timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    @property
    def is_frozen(self):
        return self.pk is not None and self.responses.exists()


class SurveyQuestion(models.Model):
    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions")
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)
    kind = models.CharField(
        "kiểu câu hỏi",
        max_length=10,
        choices=QuestionKind.choices,
        default=QuestionKind.SINGLE,
    )
    text = models.CharField("câu hỏi", max_length=300)
    choices = models.TextField(
        "các lựa chọn", blank=True, help_text="Mỗi lựa chọn một dòng."
    )
    required = models.BooleanField("bắt buộc", default=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "câu hỏi khảo sát"

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        if self._frozen():
            if self.pk is None:
                raise SurveyFrozen(FROZEN_MESSAGE)
            old = (
                SurveyQuestion.objects.filter(pk=self.pk)
                .values("kind", "text", "choices", "required")
                .first()
            )
            new = {
                "kind": self.kind,
                "text": self.text,
                "choices": self.choices,
                "required": self.required,
            }
            if old != new:
                raise SurveyFrozen(FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen():
            raise SurveyFrozen(FROZEN_MESSAGE)
        return super().delete(*args, **kwargs)

    def choice_list(self):
        return [c.strip() for c in self.choices.splitlines() if c.strip()]

    def clean(self):
        if (
            self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            and len(self.choice_list()) < 2
        ):
            raise ValidationError(
                {"choices": "Cần ít nhất hai lựa chọn, mỗi dòng một."}
            )

    def _frozen(self):
        survey_id = self.survey_id
        return survey_id and SurveyResponse.objects.filter(survey_id=survey_id).exists()


class SurveyResponse(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses"
    )
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "token"], name="one_response_per_token"
            )
        ]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.PROTECT, related_name="answers"
    )
    choices = models.JSONField(default=list, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=2000)


class SiteRating(models.Model):
    """Đánh giá trang (Nghị định 42/2022): interface, content, usefulness."""

    SCORE = [MinValueValidator(1), MaxValueValidator(5)]

    unit = models.ForeignKey(
        "tenants.Unit",
        verbose_name="đơn vị",
        on_delete=models.CASCADE,
        related_name="engage_ratings",
    )
    interface = models.PositiveSmallIntegerField("giao diện", validators=SCORE)
    content = models.PositiveSmallIntegerField("nội dung", validators=SCORE)
    usefulness = models.PositiveSmallIntegerField("tính hữu ích", validators=SCORE)
    comment = models.CharField("góp ý", max_length=1000, blank=True)
    created_at = models.DateTimeField("ngày đánh giá", auto_now_add=True)

    class Meta:
        verbose_name = "đánh giá trang"
        verbose_name_plural = "đánh giá trang"
        ordering = ["-created_at"]
