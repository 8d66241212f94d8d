"""The unit-scoped admin: one way to show public-schema rows in a unit's admin.

Boards, speaker clusters, questions, feedback... live in the public schema
(one table for every unit), but each unit's admin must see and change only
the rows of its own unit. Wagtail's generic views each look their object up
their own way (``get_object_or_404(self.model, ...)`` in copy and inspect,
``get_base_object_queryset`` in history and usage, ``get_queryset`` in edit
and delete), so filtering the index alone leaves every other view open.

``UnitScopedViewSet`` closes them all in one place:

- its permission policy (``UnitScopedPermissionPolicy``) answers "may this
  user do X to this row?" with the model permission *and* the row's unit;
- every view the viewset builds (``construct_view``) is given
  ``UnitScopedViewMixin``: listings are filtered to the unit, any object
  outside it is a 404 whatever view loads it, new rows get the unit, and
  foreign-key choices in forms list only the unit's rows.

A new view added to a viewset (or a Wagtail upgrade adding one) is scoped
without code here; ``tests/integration/tenants/test_admin_isolation.py``
walks every registered admin URL to prove it.

Hand-written admin views use ``unit_permission_required`` (the unit of the
host, and model permissions, not just admin access) and
``confirm_reach`` (the confirmation step that states the reach of an
emergency before it goes out).
"""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import ModelChoiceField
from django.http import Http404
from django.shortcuts import redirect, render
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from base.units import ONLY_IN_UNIT_ADMIN, unit_or_404
from tenants.services import current_unit

NOT_IN_UNIT = "Không tìm thấy mục này trong đơn vị."


class UnitScope:
    """How rows of ``model`` reach their unit (``lookup``: ``"unit"``,
    ``"playlist__unit"``, ``"dispatch__unit"``...), and the filter that keeps
    a queryset to the unit whose admin is open (none outside a unit)."""

    def __init__(self, model, lookup="unit"):
        self.model = model
        self.lookup = lookup

    def filter(self, queryset, unit=None):
        unit = unit or current_unit()
        if unit is None:
            return queryset.none()
        return queryset.filter(**{self.lookup: unit})

    def contains(self, instance, unit=None):
        """Whether a saved row belongs to the unit (unsaved rows are new)."""
        if instance is None or instance.pk is None:
            return True
        base = self.model._default_manager.filter(pk=instance.pk)
        return self.filter(base, unit).exists()

    @property
    def assigns_unit(self):
        """Whether new rows carry the unit themselves (``unit`` field)."""
        return self.lookup == "unit"


class UnitScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, and only for rows of the current unit.

    ``disabled_actions`` are refused to everyone, superusers included:
    ``("add",)`` switches off the add and copy views (feedback is filed by
    citizens, not officials), ``("change",)`` the edit view."""

    def __init__(self, model, scope, disabled_actions=()):
        super().__init__(model)
        self.scope = scope
        self.disabled_actions = frozenset(disabled_actions)

    def user_has_permission(self, user, action):
        if action in self.disabled_actions:
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.scope.contains(instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self.scope.contains(
            instance
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scope.filter(self.model._default_manager.all())


class UnitScopedViewMixin:
    """Given to every view a ``UnitScopedViewSet`` builds (see module doc)."""

    unit_scope = None

    def _scoped(self, queryset):
        if self.unit_scope is not None and queryset.model is self.unit_scope.model:
            return self.unit_scope.filter(queryset)
        return queryset

    # Listings (index, results, export) and object look-ups of each kind of
    # Wagtail view; a history view's listing is of log entries, left alone.
    def get_base_queryset(self):
        return self._scoped(super().get_base_queryset())

    def get_queryset(self):
        return self._scoped(super().get_queryset())

    def get_base_object_queryset(self):
        return self._scoped(super().get_base_object_queryset())

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if isinstance(obj, models.Model) and not self.unit_scope.contains(obj):
            raise Http404(NOT_IN_UNIT)
        return obj

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance()
        if instance is None and self.unit_scope.assigns_unit:
            instance = self.model()  # what Wagtail's form would make itself
        if (
            self.unit_scope.assigns_unit
            and instance is not None
            and instance.pk is None
            and getattr(instance, "unit_id", None) is None
        ):
            instance.unit = unit_or_404(NOT_IN_UNIT)
        return instance

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        scope_choices(form, current_unit())
        return form

    def form_valid(self, form):
        # A guard in model.save() or form.save() that refuses (a frozen
        # survey, a status move that became invalid meanwhile) gives the
        # form back with its message instead of a 500. Wagtail saves inside
        # a transaction, so nothing of the refused save is kept.
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)


def add_errors(form, error):
    """``error``'s messages on the form: on their field when the form has
    it, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def scope_choices(form, unit):
    """Foreign-key and many-to-many choices of a form list only ``unit``'s rows
    (models with a ``unit`` field; rows of its subtree for a field marked
    ``subtree = True``) and units of its subtree (``tenants.Unit``)."""
    from tenants.models import Unit

    for field in form.fields.values():
        if not isinstance(field, ModelChoiceField):
            continue
        related = field.queryset.model
        if related is Unit:
            field.queryset = (
                unit.descendants(include_self=True) if unit else Unit.objects.none()
            )
        elif any(f.name == "unit" for f in related._meta.get_fields()):
            if getattr(field, "subtree", False) and unit is not None:
                # A field that offers rows of the units below too (a
                # district's board group holds its communes' boards).
                field.queryset = field.queryset.filter(
                    unit__in=unit.descendants(include_self=True)
                )
            else:
                field.queryset = UnitScope(related).filter(field.queryset, unit)


@functools.cache
def _scoped_view_class(view_class):
    if issubclass(view_class, UnitScopedViewMixin):
        return view_class
    return type(
        f"UnitScoped{view_class.__name__}", (UnitScopedViewMixin, view_class), {}
    )


class UnitScopedViewSet(ModelViewSet):
    """A ``ModelViewSet`` over a public-schema model, shown in a unit's admin.

    ``unit_lookup`` says how a row reaches its unit. Every view (index,
    results, export, add, edit, copy, delete, history, usage, inspect, and any
    later one) sees only the unit's rows; others are a 404.
    ``disabled_actions`` switches views off for everyone (see the policy).
    """

    unit_lookup = "unit"
    disabled_actions = ()
    add_to_admin_menu = False

    @functools.cached_property
    def unit_scope(self):
        return UnitScope(self.model, self.unit_lookup)

    @functools.cached_property
    def permission_policy(self):
        return UnitScopedPermissionPolicy(
            self.model, self.unit_scope, self.disabled_actions
        )

    def on_register(self):
        # Before ModelViewSet registers its fallback model-only policy, so
        # Wagtail's own look-ups of the model's policy get this one too.
        register_permission_policy(self.model, self.permission_policy)
        super().on_register()

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(
            _scoped_view_class(view_class), unit_scope=self.unit_scope, **kwargs
        )


# --- hand-written admin views ------------------------------------------------------


NO_RIGHT = (
    "Tài khoản của bạn không có quyền dùng chức năng này. Hãy nhờ người duyệt "
    "của đơn vị thực hiện, hoặc nhờ quản trị cấp quyền."
)


def refuse(request):
    """Wagtail's refusal, in words an official understands: back to the
    dashboard with the reason (a 403 for scripts and XHR)."""
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        raise PermissionDenied(NO_RIGHT)
    messages.error(request, NO_RIGHT)
    return redirect("wagtailadmin_home")


def unit_permission_required(*perms):
    """A hand-written view of a unit's admin: the host's unit (404 elsewhere)
    and every model permission in ``perms`` (refused otherwise, see
    ``refuse``). The unit is passed as ``unit``; the view never takes it from
    the request."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            unit = unit_or_404(ONLY_IN_UNIT_ADMIN)
            user = request.user
            if not (user.is_active and user.has_perms(perms)):
                return refuse(request)
            return view(request, *args, unit=unit, **kwargs)

        wrapper.required_permissions = perms
        return wrapper

    return decorate


def editing_again(request):
    """Whether the user chose "Quay lại sửa" on the confirmation step: show
    the form again with what they typed, send nothing."""
    return request.method == "POST" and request.POST.get("confirm") == "edit"


def confirm_reach(request, question, *, title):
    """The confirmation step of an emergency, after its form is valid:
    ``question`` states the reach ("Ngắt 4 bảng tin của Phường 5 trong 30
    phút?") and the page re-posts what was typed with ``confirm=1`` (or
    ``confirm=edit`` to go back). Returns None once confirmed, else the page."""
    if request.method == "POST" and request.POST.get("confirm") == "1":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirm")
        for value in values
    ]
    return render(
        request,
        "base/admin/confirm_reach.html",
        {"question": question, "title": title, "fields": fields},
    )


class PermissionMenuItem(MenuItem):
    """A menu item shown only to a user holding ``permission``: the view
    behind it refuses everyone else, so they should not be offered it (an
    editor was shown "Phát khẩn cấp ngay" and met a refusal)."""

    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)
