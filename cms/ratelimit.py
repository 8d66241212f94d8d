"""Rate limits of the public forms (django-ratelimit, per unit and address)."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def contact_limited(request):
    return is_ratelimited(
        request,
        group="cms.contact",
        key="ip",
        rate=getattr(settings, "CMS_CONTACT_RATE", "5/10m"),
        method="POST",
        increment=True,
    )
