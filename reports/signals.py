"""Signals of reports."""

from django.dispatch import Signal

# provides args: report, old_status, new_status, actor, note (after commit)
report_status_changed = Signal()
