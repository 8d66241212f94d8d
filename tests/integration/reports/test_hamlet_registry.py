"""The hamlet registry (tenants.Hamlet) and speaker clusters linked to it."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from broadcast import services as broadcast_services
from tenants.models import Hamlet
from tenants.services import hamlets_of

pytestmark = pytest.mark.django_db


def test_a_unit_cannot_register_the_same_hamlet_twice(tree):
    Hamlet.objects.create(unit=tree.commune_a1, name="Ấp Phú Hữu", population=1200)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hamlet.objects.create(unit=tree.commune_a1, name="Ấp Phú Hữu")
    # Another commune may have a hamlet of the same name.
    Hamlet.objects.create(unit=tree.commune_a2, name="Ấp Phú Hữu")
    assert [str(h) for h in hamlets_of(tree.commune_a1)] == ["Ấp Phú Hữu"]


def test_hamlets_of_lists_only_the_units_active_hamlets(tree):
    Hamlet.objects.create(unit=tree.commune_a1, name="Khóm 1", kind="khom")
    Hamlet.objects.create(unit=tree.commune_a1, name="Khóm 2", is_active=False)
    Hamlet.objects.create(unit=tree.commune_b1, name="Khóm 3")
    assert [h.name for h in hamlets_of(tree.commune_a1)] == ["Khóm 1"]
    assert str(Hamlet.objects.get(unit=tree.commune_a1, name="Khóm 2")) == "Khóm 2"
    assert str(Hamlet(name="Phú Hữu", kind="ap")) == "Ấp Phú Hữu"


def test_typed_hamlet_labels_become_registry_rows_linked_to_their_clusters(tree):
    migration = importlib.import_module(
        "broadcast.migrations.0004_speakercluster_hamlet_ref"
    )
    a, _ = broadcast_services.create_cluster(
        tree.commune_a1, "Cụm 1", device_id="t-hamlet-1", hamlet="Tổ dân phố 3"
    )
    b, _ = broadcast_services.create_cluster(
        tree.commune_a1, "Cụm 2", device_id="t-hamlet-2", hamlet="tổ dân phố  3"
    )
    c, _ = broadcast_services.create_cluster(
        tree.commune_a2, "Cụm 3", device_id="t-hamlet-3", hamlet="Tổ dân phố 3"
    )
    migration.link_typed_hamlets(apps, None)
    for cluster in (a, b, c):
        cluster.refresh_from_db()
    assert a.hamlet_ref == b.hamlet_ref
    assert a.hamlet_ref.unit == tree.commune_a1
    assert a.hamlet_ref.kind == "to_dan_pho"
    assert c.hamlet_ref.unit == tree.commune_a2
    assert Hamlet.objects.filter(name__iexact="Tổ dân phố 3").count() == 2
