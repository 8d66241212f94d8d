"""'The current unit or 404': views that only exist inside a unit."""

import pytest
from django.db import connection
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from base.units import ONLY_ON_UNIT, unit_or_404, unit_required

pytestmark = pytest.mark.django_db


@unit_required
def whose_unit(request):
    return HttpResponse(request.unit.code)


def test_outside_a_unit_the_helpers_answer_404_with_a_vietnamese_reason():
    connection.set_schema_to_public()
    with pytest.raises(Http404, match=ONLY_ON_UNIT):
        unit_or_404()
    with pytest.raises(Http404, match="chỉ có"):
        whose_unit(RequestFactory().get("/"))


def test_inside_a_unit_the_view_gets_that_unit(tree):
    with tenant_context(tree.commune_a2):
        assert unit_or_404() == tree.commune_a2
        assert whose_unit(RequestFactory().get("/")).content.decode() == "90102"
