"""API keys in the unit's admin: created (the key is shown once), revoked."""

from django.template.response import TemplateResponse
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views import generic

from base.admin import UnitScopedViewSet

from .forms import ApiKeyForm
from .models import ApiKey


class ApiKeyCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.instance
        self.raw_key = instance.issue()
        user = self.request.user
        instance.created_by = (user.get_full_name() or user.get_username())[:150]
        return super().save_instance()

    def save_action(self):
        # The key exists in clear only in this answer: shown once, not
        # redirected (a message would keep it in the session).
        return TemplateResponse(
            self.request,
            "api/admin/key_created.html",
            {
                "key": self.object,
                "raw_key": self.raw_key,
                "index_url": self.get_success_url(),
                "header_title": "Khóa API mới",
            },
        )


class ApiKeyViewSet(UnitScopedViewSet):
    model = ApiKey
    icon = "key"
    menu_label = "Khóa API"
    name = "api_keys"
    url_prefix = "khoa-api"
    add_to_settings_menu = True
    add_view_class = ApiKeyCreateView
    copy_view_enabled = False
    disabled_actions = ("delete",)
    list_display = ["name", "masked", "rate", "state", "created_at", "last_used_at"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("rate"), FieldPanel("revoke")],
        base_form_class=ApiKeyForm,
    )


@hooks.register("register_admin_viewset")
def register_api_keys():
    return ApiKeyViewSet()
