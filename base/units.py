""" "The current unit or 404": views that only exist on a unit's host (or in a
unit's admin) call ``unit_or_404()`` or wear ``@unit_required``.

On the platform host (the public schema) there is no current unit; such a
view answers 404 with a Vietnamese reason rather than serving platform data.
"""

from functools import wraps

from django.http import Http404

from tenants.services import current_unit

ONLY_ON_UNIT = "Trang này chỉ có trên trang của một đơn vị."
ONLY_IN_UNIT_ADMIN = "Trang này chỉ có trong trang quản trị của một đơn vị."


def unit_or_404(message=ONLY_ON_UNIT):
    """The unit whose host (schema) serves this request; 404 without one."""
    unit = current_unit()
    if unit is None:
        raise Http404(message)
    return unit


def unit_required(view=None, *, message=ONLY_ON_UNIT):
    """View decorator: 404 outside a unit, else ``request.unit`` is set.

    Use bare (``@unit_required``) or with a message
    (``@unit_required(message=ONLY_IN_UNIT_ADMIN)``).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.unit = unit_or_404(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
