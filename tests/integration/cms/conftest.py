import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from tests.utils import admin_client


@pytest.fixture
def staff(tree):
    """An editor and an approver of commune 90101, in its own schema."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with tenant_context(tree.commune_a1):
        editor = User.objects.create_user("bientap", password="mat-khau-dai-123")
        editor.groups.add(Group.objects.get(name=settings.UNIT_EDITOR_GROUP))
        approver = User.objects.create_user("nguoiduyet", password="mat-khau-dai-123")
        approver.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
    return editor, approver


@pytest.fixture
def login(tree):
    """A client logged in as ``user`` of commune 90101 (or ``unit``)."""

    def make(user, unit=None):
        return admin_client(unit or tree.commune_a1, user)

    return make


@pytest.fixture(autouse=True)
def fresh_page_cache(tree):
    """Pages cached by an earlier test (whose data was rolled back) must not
    be served: each test starts every unit on a new cache generation."""
    from django.core.cache import cache

    from cms.cache import GENERATION_KEY

    for unit in (tree.commune_a1, tree.commune_a2, tree.commune_b1):
        with tenant_context(unit):
            cache.delete(GENERATION_KEY)
