"""Admin additions: pages due for review, contact messages."""

from django.http import Http404
from django.urls import path
from django.utils import timezone, translation
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import get_page_models
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .localize import ReviewedUpdateTranslationsView
from .models import ContactMessage, ReviewDateMixin


@hooks.register("register_admin_urls", order=-1)
def translations_through_review():
    """Served before wagtail-localize's own view at the same URL (hooks run
    by order): "publish immediately" only for who may publish every copy."""
    return [
        path(
            "localize/update/<int:translation_source_id>/",
            ReviewedUpdateTranslationsView.as_view(),
            name="cms_update_translations",
        )
    ]


def pages_due_for_review(today=None):
    """Pages (drafts included) whose review date has come, oldest first."""
    today = today or timezone.localdate()
    due = []
    for model in get_page_models():
        if issubclass(model, ReviewDateMixin) and not model._meta.abstract:
            due.extend(
                model.objects.filter(review_date__lte=today).exclude(
                    review_date__isnull=True
                )
            )
    # Subclass querysets overlap only through inheritance; keep one each.
    unique = {page.pk: page for page in due}
    return sorted(unique.values(), key=lambda page: page.review_date)


class ReviewDuePanel(Component):
    name = "cms_review_due"
    order = 90
    template_name = "cms/admin/review_due_panel.html"

    def get_context_data(self, parent_context):
        return {"pages": pages_due_for_review()[:20]}


@hooks.register("before_serve_page")
def no_fallback_across_languages(page, request, serve_args, serve_kwargs):
    """/km/... serves Khmer pages only: a unit without a Khmer version (or
    without Khmer at all) answers 404 instead of Vietnamese under /km/."""
    language = translation.get_language() or ""
    prefix = f"/{language}/"
    if request.path.startswith(prefix) and page.locale.language_code != language:
        raise Http404


@hooks.register("construct_homepage_panels")
def add_review_due_panel(request, panels):
    panels.append(ReviewDuePanel())


class ContactMessageViewSet(SnippetViewSet):
    model = ContactMessage
    icon = "mail"
    menu_label = "Thư liên hệ"
    list_display = ["name", "phone", "email", "created_at"]
    inspect_view_enabled = True
    add_to_admin_menu = True
    menu_order = 300


register_snippet(ContactMessageViewSet)
