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
