"""Signals of the bulletins app: the surface boards and speakers consume.

bulletin_for_channel -- a bulletin is to be shown on a unit's boards or played
    on its speakers. Sent when a commune passes a bulletin to a channel, and
    at once, without waiting for the commune, for emergency bulletins.
    # provides args: bulletin, unit, channel, emergency
    bulletin: bulletins.models.Bulletin (title, body_text, priority,
              language, valid_from, valid_until, pk)
    unit:     tenants.models.Unit the delivery is for
    channel:  "board" or "speaker"
    emergency: bool, True when the bulletin's priority is "emergency"

bulletin_withdrawn -- a bulletin sent to a channel was cleared or expired;
    boards and speakers stop showing/playing it.
    # provides args: bulletin, unit, channel
"""

from django.dispatch import Signal

bulletin_for_channel = Signal()
bulletin_withdrawn = Signal()

# delivery_state_changed -- a delivery moved one step along the pipeline
#     (bulletins.pipeline); sent after the transaction commits.
#     # provides args: delivery, from_state, to_state, actor
#     delivery: bulletins.models.Delivery (bulletin, unit, channel, state)
#     from_state: "" for a new delivery, else the previous state
#     to_state:   "sent", "received", "used", "declined" or "expired"
#     actor:      who did it, as a display name
delivery_state_changed = Signal()
