"""Factories for bulletin tests: officers (platform users) and bulletins."""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from bulletins import services
from bulletins.models import OfficerProfile


def make_officer(unit, role="approver"):
    """A platform (public-schema) user who works for ``unit``."""
    user = get_user_model().objects.create_user(
        username=f"canbo-{unit.code}-{uuid.uuid4().hex[:6]}", password="matkhau-123"
    )
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    OfficerProfile.objects.create(user=user, unit=unit, role=role)
    return user


def make_bulletin(user, *, root=None, units=(), channels=("web",), **fields):
    scope = services.officer_scope(user)
    mode = "units" if units else "subtree"
    return services.create_bulletin(
        user=user,
        scope=scope,
        title=fields.pop("title", "Thông báo lịch tiêm chủng mở rộng"),
        body=fields.pop("body", "Đoạn một.\nĐoạn hai của thông báo."),
        channels=list(channels),
        target_mode=mode,
        target_root=root if not units else None,
        target_units=list(units),
        **fields,
    )


def make_sent_bulletin(user, **kwargs):
    """A bulletin approved and fanned out (the task's work, run here)."""
    item = make_bulletin(user, **kwargs)
    services.send_bulletin(item, user=user)
    outbox = item.outbox.get()
    services.fan_out(outbox.pk)
    return item
