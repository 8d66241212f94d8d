"""Signals of the bulletins app: the surface boards, speakers and search
consume. The pipelines' signals are sent after the transaction commits.

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

bulletin_status_changed -- a bulletin moved along pipeline.BULLETIN
    (draft → sent → withdrawn).
    # provides args: bulletin, old_status, new_status, actor

delivery_state_changed -- a delivery moved one step along pipeline.DELIVERY.
    # provides args: delivery, old_status, new_status, actor, note
    delivery:   bulletins.models.Delivery (bulletin, unit, channel, state)
    old_status: "" for a new delivery, else the previous state
    new_status: "sent", "received", "used", "declined" or "expired"
    actor:      who did it, as a display name
"""

from django.dispatch import Signal

bulletin_for_channel = Signal()
bulletin_withdrawn = Signal()
bulletin_status_changed = Signal()
delivery_state_changed = Signal()
