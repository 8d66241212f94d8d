"""Signals of reports."""

from django.dispatch import Signal

# provides args: report, from_status, to_status, actor
report_status_changed = Signal()
