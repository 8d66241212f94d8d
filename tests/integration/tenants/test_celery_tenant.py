"""Background work keeps the unit it was queued for."""

import pytest
from django_tenants.utils import tenant_context

from tenants.tasks import current_schema

pytestmark = [pytest.mark.worker]


def test_task_queued_in_commune_a_runs_in_commune_a_schema(
    tree, committed, celery_worker_process
):
    with tenant_context(tree.commune_a1):
        result_a = current_schema.delay("a")
    with tenant_context(tree.commune_b1):
        result_b = current_schema.delay("b")
    got_a = result_a.get(timeout=30)
    got_b = result_b.get(timeout=30)
    assert got_a == {
        "schema": tree.commune_a1.schema_name,
        "hostname": tree.commune_a1.primary_hostname,
        "marker": "a",
    }
    assert got_b["schema"] == tree.commune_b1.schema_name
    assert got_b["hostname"] == tree.commune_b1.primary_hostname


def test_task_queued_on_the_platform_runs_in_public(
    tree, committed, celery_worker_process
):
    assert current_schema.delay("p").get(timeout=30)["schema"] == "public"
