"""base.tasks.enqueue_on_commit: the task names the unit it was queued in,
even when the commit comes after leaving it, and a broker outage is logged,
never raised into the request. Messages are read back from the real
broker (a queue no worker listens to)."""

import logging
import uuid

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from base.tasks import enqueue, enqueue_on_commit
from tenants.tasks import current_schema

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def own_queue():
    """Point the app at a queue of this test's own; returns a function
    reading the messages waiting there."""
    from config.celery import app

    queue = f"ttcs-test-enqueue-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue

    def messages():
        found = []
        with app.connection_for_read() as conn:
            waiting = conn.SimpleQueue(queue)
            while True:
                try:
                    message = waiting.get(timeout=2)
                except waiting.Empty:
                    break
                found.append(message.headers)
                message.ack()
            waiting.close()
        return found

    yield messages
    app.conf.task_default_queue = previous
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


def test_task_queued_in_a_unit_names_it_when_the_commit_comes_after_leaving(
    tree, own_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            with tenant_context(tree.commune_a1):
                enqueue_on_commit(current_schema, "a1")
            # The commit (and the queueing) happen back on the platform.
    [headers] = own_queue()
    assert headers["task"] == "tenants.tasks.current_schema"
    assert headers["_schema_name"] == tree.commune_a1.schema_name


def test_nothing_is_queued_for_a_transaction_that_rolls_back(
    tree, own_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                with tenant_context(tree.commune_a1):
                    enqueue_on_commit(current_schema, "lost")
                raise RuntimeError("rolled back")
        enqueue_on_commit(current_schema, "kept")
    [headers] = own_queue()
    assert headers["_schema_name"] == "public"


def test_a_broker_outage_is_logged_with_the_task_name_not_raised(
    tree, broker_down, caplog
):
    caplog.set_level(logging.WARNING, logger="base.tasks")
    with broker_down(), tenant_context(tree.commune_b1):
        assert enqueue(current_schema, "b1") is None
    [record] = [r for r in caplog.records if r.name == "base.tasks"]
    assert "tenants.tasks.current_schema" in record.getMessage()
    assert tree.commune_b1.schema_name in record.getMessage()
