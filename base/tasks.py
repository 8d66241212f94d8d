"""Queue a Celery task for the current unit once the transaction commits.

    from base.tasks import enqueue_on_commit
    enqueue_on_commit(sync_page, page.pk)

The one way to hand work to a worker from a request, a receiver or a
service. It:

- takes ``connection.schema_name`` **when called**: the commit may fire
  after the code left the unit's schema (an outer ``atomic`` that closes
  outside ``tenant_context``), and the task must still run in the unit;
- sends it in tenant-schemas-celery's header (``_schema_name``), which the
  worker reads before the task runs (``tenant_schemas_celery.app``);
- queues after commit, so the worker sees the rows it is told about (at
  once outside a transaction);
- logs a warning naming the task when the broker is down instead of
  raising into the request: every caller has a sweep, an outbox or a
  ``manage.py`` command that repairs what was not queued.
"""

import logging
from functools import partial

from django.db import connection, transaction

logger = logging.getLogger(__name__)


def schema_headers(schema=None):
    """tenant-schemas-celery's headers for ``schema`` (default: the current)."""
    return {"_schema_name": schema or connection.schema_name}


def enqueue(task, *args, schema=None, **kwargs):
    """Send ``task`` now for ``schema`` (default: the current one).

    Returns the AsyncResult, or None when the broker refused it (logged).
    """
    headers = schema_headers(schema)
    try:
        return task.apply_async(args=args, kwargs=kwargs, headers=headers)
    except Exception:  # noqa: BLE001 - the broker is down: log, never raise
        logger.warning(
            "could not queue task %s for schema %s (broker unavailable?)",
            task.name,
            headers["_schema_name"],
            exc_info=True,
        )
        return None


def enqueue_on_commit(task, *args, **kwargs):
    """Queue ``task(*args, **kwargs)`` for the current schema after commit.

    The callback is ``partial(enqueue, task, *args, schema=…)``: tests that
    capture on-commit callbacks can tell which task it queues."""
    schema = connection.schema_name
    transaction.on_commit(partial(enqueue, task, *args, schema=schema, **kwargs))
