"""Signals of engage.

feedback_status_changed -- after a feedback moved in the status pipeline
    (engage.pipeline) or was transferred to the parent unit; sent after the
    transaction commits.
    # provides args: feedback, old_status, new_status, actor, note
question_answered -- after an official answer was published.
    # provides args: question
"""

from django.dispatch import Signal

feedback_status_changed = Signal()
question_answered = Signal()
