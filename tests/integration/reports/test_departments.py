"""Departments (sở, ngành) are units under the province whose officers send
essential information to the province's units, shown as the sender."""

import pytest
from django.core.exceptions import ValidationError

from bulletins import services
from bulletins.forms import BulletinForm
from tests.factories import reports as f

pytestmark = pytest.mark.django_db


def test_department_officer_sends_to_the_province_and_is_shown_as_sender(
    tree, client_for
):
    health = f.make_department(tree.province, "90S01", "Sở Y tế tỉnh Thử Nghiệm")
    user = f.make_officer(health)
    scope = services.officer_scope(user)
    assert scope == health
    bulletin = services.create_bulletin(
        user=user,
        scope=scope,
        title="Phòng chống sốt xuất huyết",
        body="Diệt lăng quăng, bọ gậy.",
        channels=["web"],
        target_mode="subtree",
        target_root=tree.province,
    )
    assert bulletin.sender_unit == health
    targets = [u.code for u in services.target_units_of(bulletin)]
    assert targets == ["90101", "90102", "90201"]
    # The department is never itself a target, and the form offers the province.
    assert health not in services.units_below(scope)
    form = BulletinForm(scope=scope)
    assert str(tree.province.pk) in [
        str(v) for v, _ in form.fields["target_root"].widget.choices
    ]


def test_department_cannot_send_outside_its_province(tree):
    from tenants.services import create_unit

    other = create_unit(
        code="91", name="Tỉnh Khác", kind="province", structure=2020, provision=False
    )
    health = f.make_department(tree.province, "90S01", "Sở Y tế")
    with pytest.raises(ValidationError) as refusal:
        services.check_targets(scope=health, target_mode="subtree", target_root=other)
    assert "không thuộc phạm vi quản lý" in str(refusal.value)
