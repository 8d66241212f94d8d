"""Signals of the broadcast app.

delivery_state_changed -- one delivery (a dispatch on one cluster) moved
    along pipeline.DELIVERY_PIPELINE; sent after the change is committed.
    # provides args: delivery, old_status, new_status
"""

from django.dispatch import Signal

delivery_state_changed = Signal()
