"""The periodic report's status pipeline, as data (``base.pipeline``).

    chưa nộp → đã nộp → đã duyệt
               đã nộp → trả lại → đã nộp (again)
    đã duyệt → trả lại (the reviewer reopens it)

``services.set_status`` adds the fields each step writes (who submitted,
late or not, the return reason) and calls ``REPORT.set_status``: checked
here, one ``ReportTransition`` per step, ``signals.report_status_changed``
(``old_status``/``new_status``) after commit.
"""

from base.pipeline import InvalidStatus, Pipeline

from .choices import ReportStatus
from .signals import report_status_changed

__all__ = ["EDITABLE", "REPORT", "ReportStatus", "TransitionError"]

S = ReportStatus
TRANSITIONS = {
    S.NOT_SUBMITTED: (S.SUBMITTED,),
    S.SUBMITTED: (S.APPROVED, S.RETURNED),
    S.RETURNED: (S.SUBMITTED,),
    S.APPROVED: (S.RETURNED,),
}

# Statuses in which the unit may still edit its report.
EDITABLE = (S.NOT_SUBMITTED, S.RETURNED)

# The refusal reports' views catch: the one exception of every pipeline.
TransitionError = InvalidStatus


def record_transition(report, old, new, *, actor="", note="", final=True, **context):
    """One ReportTransition per step."""
    report.transitions.create(
        from_status=old, to_status=new, actor=actor[:150], note=note or ""
    )


REPORT = Pipeline(
    ReportStatus,
    TRANSITIONS,
    signal=report_status_changed,
    instance_arg="report",
    record=record_transition,
    noun="báo cáo",
)
