"""A commune keeps its own registries in its admin: hamlets, propagandists,
legacy stations and this year's training figures; errors are Vietnamese,
nothing typed is lost, and another unit's rows cannot be touched."""

import pytest
from django.db import connection
from django.utils import timezone

from reports.models import LegacyStation, Propagandist, TrainingRecord
from tenants.models import Hamlet
from tests.factories import reports as f
from tests.utils import admin_client

pytestmark = pytest.mark.django_db
URL = "/admin/danh-gia-bao-cao/don-vi/danh-muc/"


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_commune_adds_hamlets_propagandists_stations_and_training(tree):
    client = admin_client(tree.commune_a1)
    assert client.get(URL).status_code == 200
    data = {
        "section": "ap",
        **management("ap", 2),
        "ap-0-name": "Ấp Phú Hữu",
        "ap-0-kind": "ap",
        "ap-0-population": "1200",
        "ap-0-is_active": "on",
        "ap-1-name": "ấp phú hữu",
        "ap-1-kind": "ap",
    }
    duplicate = client.post(URL, data)
    assert duplicate.status_code == 400
    assert "Tên này đã có trong danh mục." in duplicate.content.decode()
    assert "ấp phú hữu" in duplicate.content.decode()  # what was typed is kept
    data["ap-1-name"] = "Khóm 3"
    data["ap-1-kind"] = "khom"
    assert client.post(URL, data).status_code == 302
    connection.set_schema_to_public()
    hamlet = Hamlet.objects.get(unit=tree.commune_a1, name="Ấp Phú Hữu")
    assert hamlet.population == 1200

    client.post(
        URL,
        {
            "section": "ttv",
            **management("ttv", 1),
            "ttv-0-hamlet": hamlet.pk,
            "ttv-0-name": "Trần Thị Lan",
            "ttv-0-is_active": "on",
        },
    )
    connection.set_schema_to_public()
    assert Propagandist.objects.get(hamlet=hamlet).name == "Trần Thị Lan"

    future = timezone.localdate().year + 1
    bad = client.post(
        URL,
        {
            "section": "dai",
            **management("dai", 1),
            "dai-0-name": "Đài FM",
            "dai-0-kind": "fm",
            "dai-0-year_installed": str(future),
            "dai-0-condition": "broken",
        },
    )
    assert bad.status_code == 400
    assert "ở tương lai" in bad.content.decode()
    client.post(
        URL,
        {
            "section": "dai",
            **management("dai", 1),
            "dai-0-name": "Đài FM",
            "dai-0-kind": "fm",
            "dai-0-year_installed": "2012",
            "dai-0-condition": "broken",
        },
    )
    connection.set_schema_to_public()
    assert LegacyStation.objects.get(unit=tree.commune_a1).condition == "broken"

    too_many = client.post(
        URL, {"section": "taphuan", "officials": "3", "trained": "5"}
    )
    assert too_many.status_code == 400
    assert "lớn hơn tổng số cán bộ" in too_many.content.decode()
    client.post(URL, {"section": "taphuan", "officials": "3", "trained": "2"})
    connection.set_schema_to_public()
    record = TrainingRecord.objects.get(unit=tree.commune_a1)
    assert (record.officials, record.trained) == (3, 2)


def test_another_units_rows_cannot_be_edited_or_chosen(tree):
    other = f.make_hamlet(tree.commune_a2, "Ấp Của Xã Khác")
    client = admin_client(tree.commune_a1)
    response = client.post(
        URL,
        {
            "section": "ap",
            **management("ap", 1, 1),
            "ap-0-id": other.pk,
            "ap-0-name": "Đổi tên",
            "ap-0-kind": "ap",
        },
    )
    # An id outside the unit's rows is never looked up: at most a new row of
    # this commune; the other commune's hamlet is untouched.
    assert response.status_code in (302, 400)
    connection.set_schema_to_public()
    other.refresh_from_db()
    assert (other.name, other.unit) == ("Ấp Của Xã Khác", tree.commune_a2)
    assert not Hamlet.objects.filter(unit=tree.commune_a2, name="Đổi tên").exists()
    chosen = client.post(
        URL,
        {
            "section": "ttv",
            **management("ttv", 1),
            "ttv-0-hamlet": other.pk,
            "ttv-0-name": "Người lạ",
        },
    )
    assert chosen.status_code == 400
    assert "Hãy chọn một ấp/khóm của đơn vị" in chosen.content.decode()
    connection.set_schema_to_public()
    assert not Propagandist.objects.filter(name="Người lạ").exists()
