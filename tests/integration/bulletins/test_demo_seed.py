"""The demo seed: officer accounts that can log in and one sent bulletin."""

import pytest
from django.core.management import call_command

from bulletins.models import Bulletin, Delivery, OfficerProfile

pytestmark = [pytest.mark.django_db]


def test_seed_creates_officers_and_a_delivered_bulletin(tree, client_for):
    call_command("seed_bulletins_demo", "--province", "90", "--now", verbosity=0)
    call_command("seed_bulletins_demo", "--province", "90", "--now", verbosity=0)
    profiles = {p.user.username: p.unit.code for p in OfficerProfile.objects.all()}
    assert profiles == {"canbo.tinh": "90", "canbo.huyen": "901"}
    bulletin = Bulletin.objects.get()
    assert bulletin.status == "sent"
    assert Delivery.objects.filter(bulletin=bulletin).count() == 9  # 3 × 3
    client = client_for("localhost")
    assert client.login(username="canbo.huyen", password="ttcs-demo-2025")
    assert client.get("/admin/thong-tin-nguon/").status_code == 200
