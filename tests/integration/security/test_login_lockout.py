"""Admin log-in is throttled: five wrong passwords for one user from one
address lock that pair out (429, Vietnamese), even with the right password
next; another address, and the same user name in another unit, are not
affected (counters per unit schema)."""

import random

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dung-12345"


def log_in(unit, address, password):
    client = Client(HTTP_HOST=unit.primary_hostname, REMOTE_ADDR=address)
    return client.post(
        "/admin/login/", {"username": "canbo-khoa", "password": password}
    )


def test_five_wrong_passwords_lock_the_user_out_from_that_address(tree):
    for unit in (tree.commune_a1, tree.commune_b1):
        with tenant_context(unit):
            get_user_model().objects.create_superuser(
                "canbo-khoa", "khoa@example.vn", PASSWORD
            )
    attacker = f"198.51.100.{random.randint(1, 254)}"
    other = f"203.0.113.{random.randint(1, 254)}"
    for _ in range(4):
        assert log_in(tree.commune_a1, attacker, "sai-mat-khau").status_code == 200
    # The fifth wrong password locks the pair out at once.
    assert log_in(tree.commune_a1, attacker, "sai-mat-khau").status_code == 429
    locked = log_in(tree.commune_a1, attacker, PASSWORD)
    assert locked.status_code == 429
    assert "tạm bị khóa" in locked.content.decode()
    # The official from their own address, and the same name in another
    # unit, still log in.
    assert log_in(tree.commune_a1, other, PASSWORD).status_code == 302
    assert log_in(tree.commune_b1, attacker, PASSWORD).status_code == 302
