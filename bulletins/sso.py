"""One log-in for officers (ux §3): a district or province officer logs in to
the platform admin (bulletins, delivery, every unit below) and reaches the
own unit's admin (pages, Q&A, boards, speakers) with one click, no second
password.

The platform signs a short-lived, single-use ticket naming the officer, the
unit and the role; the unit's host checks it, then logs in the officer's
account in the unit's schema (made on first use, with no usable password,
in the unit's editor or approver group as the officer's role says). Users
live per schema, so this is the bridge between the two; nothing else is
shared. A ticket is valid for ``TICKET_SECONDS``, once, on that unit's host.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import Group
from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction

SALT = "ttcs.officer-sso"
TICKET_SECONDS = 60


class TicketRefused(Exception):
    """The Vietnamese reason a ticket cannot be used."""


def ticket_for(profile):
    """A signed ticket for ``profile`` (an OfficerProfile) to enter its unit."""
    return signing.dumps(
        {
            "user": profile.user.get_username(),
            "schema": profile.unit.schema_name,
            "role": profile.role,
            "nonce": uuid.uuid4().hex,
        },
        salt=SALT,
    )


def public_root(hostname):
    """``http://host[:PUBLIC_PORT]``: the address people reach a host at."""
    port = "" if settings.PUBLIC_PORT == 80 else f":{settings.PUBLIC_PORT}"
    return f"http://{hostname}{port}"


def unit_admin_url(profile, ticket):
    root = public_root(profile.unit.primary_hostname)
    return f"{root}/dang-nhap-can-bo/?t={ticket}"


def enter(request, ticket):
    """Log the ticket's officer in on this unit's host; the user, or raise
    TicketRefused."""
    try:
        data = signing.loads(ticket or "", salt=SALT, max_age=TICKET_SECONDS)
    except signing.SignatureExpired as expired:
        raise TicketRefused(
            "Phiên chuyển đã hết hạn. Hãy bấm lại “Quản trị trang của đơn vị”."
        ) from expired
    except signing.BadSignature as forged:
        raise TicketRefused("Đường dẫn đăng nhập không hợp lệ.") from forged
    if data.get("schema") != connection.schema_name:
        raise TicketRefused("Đường dẫn này dành cho đơn vị khác.")
    # Single use: the nonce is claimed in the shared cache (per schema keys).
    if not cache.add(f"officer-sso:{data['nonce']}", 1, TICKET_SECONDS * 2):
        raise TicketRefused("Đường dẫn đăng nhập này đã được dùng.")
    user = _unit_user(data["user"], data.get("role"))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def _unit_user(username, role):
    """The officer's account in this unit's schema, in the role's group."""
    names = [settings.UNIT_EDITOR_GROUP]
    if role == "approver":
        names.append(settings.UNIT_APPROVER_GROUP)
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_active": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if not user.is_active:
            raise TicketRefused("Tài khoản của bạn ở đơn vị này đã bị khóa.")
        user.groups.add(*Group.objects.filter(name__in=names))
        if role != "approver":
            user.groups.remove(*Group.objects.filter(name=settings.UNIT_APPROVER_GROUP))
    return user
