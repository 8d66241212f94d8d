"""Factories for broadcast tests: speaker clusters registered the way an
installer registers them."""

import datetime

from broadcast import services

# On the air at every hour (equal on and off times mean all day). The
# model's default hours (05:00-21:00) would make a dispatch reach no cluster
# when the suite runs at night; a test of the hours themselves passes its
# own ``on_time``/``off_time``.
ALL_DAY = {"on_time": datetime.time(0, 0), "off_time": datetime.time(0, 0)}


def make_cluster(unit, name="Cụm loa thử", device_id=None, **fields):
    """A registered cluster of ``unit``; returns (cluster, password)."""
    return services.create_cluster(unit, name, device_id=device_id, **ALL_DAY | fields)


def make_aired(program, device_id):
    """``program`` aired on one new cluster of its unit (a finished
    delivery): what listen-back lists. Returns the cluster."""
    from django.utils import timezone

    from broadcast.models import Delivery, Dispatch

    cluster, _ = make_cluster(program.unit, "Cụm loa chợ", device_id=device_id)
    dispatch = Dispatch.objects.create(
        unit=program.unit,
        program=program,
        priority="normal",
        expires_at=timezone.now(),
        target_count=1,
    )
    Delivery.objects.create(dispatch=dispatch, cluster=cluster, state="done")
    return cluster
