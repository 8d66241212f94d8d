"""A citizen finds a legal document by its number in the site search, typed
without diacritics or only in part (ux B9): the number is indexed with the
page, and codes like 15/QĐ-UBND are split into words in index and query."""

import pytest
from django_tenants.utils import tenant_context

from search.tasks import index_page
from tests.factories.cms import make_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["15/QĐ-UBND", "15/QD-UBND", "15/qd", "qd-ubnd 15"])
def test_site_search_finds_a_legal_document_by_its_number(tree, client_for, typed):
    with tenant_context(tree.commune_a1):
        page = make_document("15/QĐ-UBND", title="Về việc ban hành quy chế làm việc")
        index_page(page.pk)
    html = client_for(tree.commune_a1).get("/tim-kiem/", {"q": typed}).content.decode()
    assert "Về việc ban hành quy chế làm việc" in html
    assert "Tìm thấy 1 kết quả" in html
