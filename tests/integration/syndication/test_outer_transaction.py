"""P6: an article published inside an outer transaction that commits after
the code left the unit's schema is still syndicated for its unit (the
task carries the schema taken when it was queued, not at the commit)."""

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from search.models import SearchDocument
from syndication.models import SyndicatedItem
from tests.factories.cms import publish_article
from tests.utils import wait_for

pytestmark = [pytest.mark.worker]


def test_article_published_in_an_outer_transaction_is_syndicated_for_its_unit(
    tree, committed, celery_worker_process
):
    from wagtail.models import Page

    title = "Xã An Hòa khai giảng lớp xóa mù chữ"
    with transaction.atomic():
        page_id = publish_article(tree.commune_a2, title=title)
        # publish_article has left the unit: the commit below happens on the
        # platform's schema.
        assert connection.schema_name == "public"
    try:
        assert wait_for(
            lambda: SyndicatedItem.objects.filter(
                unit=tree.commune_a2, page_id=page_id, title=title
            ).exists()
        ), "the syndication task did not run in Xã An Hòa"
        item = SyndicatedItem.objects.get(unit=tree.commune_a2, page_id=page_id)
        assert item.url.startswith(f"http://{tree.commune_a2.primary_hostname}/")
    finally:
        with tenant_context(tree.commune_a2):
            Page.objects.filter(pk=page_id).delete()
        # The deletion queues the removals; wait for them (search's too), so
        # no document outlives the test.
        documents = SearchDocument.objects.filter(
            schema=tree.commune_a2.schema_name, object_id=str(page_id)
        )
        assert wait_for(
            lambda: (
                not documents.exists()
                and not SyndicatedItem.objects.filter(page_id=page_id).exists()
            )
        )
