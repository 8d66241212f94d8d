"""Plain SQL for the device side's per-batch lookups over thousands of ids."""

from django.db import connection


def select_any(model, columns, where, params):
    """SELECT ``columns`` FROM the model's table WHERE ``where``, with the
    ids as one array parameter (``= ANY(%s)``) instead of Django's ``__in``,
    which prepares and binds each id: for the publisher's 5,000 signing keys
    or a listener batch's devices that was most of the query's cost."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {model._meta.db_table} WHERE {where}", params
        )
        return cursor.fetchall()
