"""migrate_schemas brings a lagging schema up to date (commits: migrations
cannot run inside the test transaction)."""

import pytest
from django.core.management import call_command
from django.db import connection

from tenants.models import Unit


@pytest.mark.slow
def test_migrate_schemas_migrates_a_schema_that_lags_behind(tree, committed, capsys):
    """A unit whose schema is empty is migrated; the others are skipped.

    Migrations cannot run inside the test transaction, so this one commits.
    """
    unit = Unit(
        code="90299",
        name="Xã Chưa Cấp",
        kind="commune",
        structure=2020,
        parent=tree.district_b,
        slug="xa-chua-cap",
        schema_name="unit_2020_90299",
    )
    unit.save()
    committed.drop_later(unit)
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "unit_2020_90299"')
    call_command("migrate_schemas", verbosity=1, interactive=False)
    out = capsys.readouterr().out
    assert "1 schema cần migrate" in out
    assert "unit_2020_90299" in out
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT count(*) FROM "unit_2020_90299".django_migrations '
            "WHERE app = 'cms' AND name = '0001_initial'"
        )
        assert cursor.fetchone()[0] == 1
