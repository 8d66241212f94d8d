"""States of reports (the pipeline is in ``pipeline.py``)."""

from django.db import models


class ReportStatus(models.TextChoices):
    NOT_SUBMITTED = "pending", "Chưa nộp"
    SUBMITTED = "submitted", "Đã nộp"
    APPROVED = "approved", "Đã duyệt"
    RETURNED = "returned", "Trả lại"
