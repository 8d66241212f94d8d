"""Nothing is lost when the worker is down: the outbox waits for it."""

import time
import uuid

import pytest
from django.contrib.auth import get_user_model

from bulletins import services
from bulletins.models import Bulletin, Delivery, Outbox
from tests.factories.bulletins import make_bulletin, make_officer
from tests.utils import wait_for

pytestmark = [pytest.mark.worker]


def test_bulletin_sent_while_no_worker_listens_is_delivered_when_one_comes(
    tree, committed, celery_worker_process, broker_down
):
    from config.celery import app

    user = make_officer(tree.district_a)
    queued = make_bulletin(user, root=tree.district_a, title="Gửi khi không có worker")
    lost = make_bulletin(
        user, root=tree.district_a, title="Tin nhắn tới hàng đợi bị mất"
    )
    worker_queue = app.conf.task_default_queue
    # No worker listens on this queue: the worker is "down" for this send.
    dead_queue = f"ttcs-test-down-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = dead_queue
    try:
        services.send_bulletin(queued, user=user)
        # A second send whose message never reaches the broker at all (the
        # outbox row alone remembers it).
        with broker_down():
            services.send_bulletin(lost, user=user)
        time.sleep(1)
        assert not Delivery.objects.filter(bulletin__in=[queued, lost]).exists()
        assert (
            Outbox.objects.filter(
                bulletin__in=[queued, lost], processed_at__isnull=True
            ).count()
            == 2
        )

        # The worker comes back: it consumes the waiting queue, and the
        # outbox drain (run on worker start and by beat) catches the rest.
        app.control.add_consumer(
            dead_queue, destination=[celery_worker_process.node], reply=True
        )
        assert wait_for(lambda: Delivery.objects.filter(bulletin=queued).count() == 2)
        app.conf.task_default_queue = worker_queue
        from bulletins.tasks import drain_outbox

        drain_outbox.delay().get(timeout=30)
        assert set(
            Delivery.objects.filter(bulletin=lost).values_list("unit__code", flat=True)
        ) == {"90101", "90102"}
        assert not Outbox.objects.filter(
            bulletin__in=[queued, lost], processed_at__isnull=True
        ).exists()
    finally:
        app.conf.task_default_queue = worker_queue
        app.control.cancel_consumer(
            dead_queue, destination=[celery_worker_process.node], reply=True
        )
        Bulletin.objects.filter(pk__in=[queued.pk, lost.pk]).delete()
        get_user_model().objects.filter(pk=user.pk).delete()
