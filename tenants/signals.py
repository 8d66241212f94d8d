"""Signals of the tenants app.

unit_provisioned -- sent after a unit got its schema, hostname and site.
    # provides args: unit
"""

from django.dispatch import Signal

unit_provisioned = Signal()
