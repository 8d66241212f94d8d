"""The periodic report's status pipeline (chưa nộp → đã nộp → đã duyệt, or
trả lại → nộp lại). Transitions are data; ``set_status`` in services checks
them in one place and sends ``signals.report_status_changed`` after each.

Written as a small explicit pipeline; when ``base/pipeline.py`` lands this is
the one place to switch to it."""

from django.db import models


class ReportStatus(models.TextChoices):
    NOT_SUBMITTED = "pending", "Chưa nộp"
    SUBMITTED = "submitted", "Đã nộp"
    APPROVED = "approved", "Đã duyệt"
    RETURNED = "returned", "Trả lại"


PIPELINE = {
    ReportStatus.NOT_SUBMITTED: (ReportStatus.SUBMITTED,),
    ReportStatus.SUBMITTED: (ReportStatus.APPROVED, ReportStatus.RETURNED),
    ReportStatus.RETURNED: (ReportStatus.SUBMITTED,),
    ReportStatus.APPROVED: (ReportStatus.RETURNED,),
}

# Statuses in which the unit may still edit its report.
EDITABLE = (ReportStatus.NOT_SUBMITTED, ReportStatus.RETURNED)


class TransitionError(ValueError):
    pass


def check_transition(current, new):
    if new not in PIPELINE.get(current, ()):
        raise TransitionError(
            f"Không thể chuyển báo cáo từ “{ReportStatus(current).label}” sang "
            f"“{ReportStatus(new).label}”."
        )
