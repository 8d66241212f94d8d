"""The unit's admin: questions, feedback, surveys, ratings of this unit
only; an overview of the units below (read-only) with overdue counts."""

from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup

from base.admin import UnitScopedViewSet, unit_permission_required
from tenants.services import current_unit

from . import admin_views, services
from .admin_forms import FeedbackAdminForm, SurveyAdminForm
from .models import Feedback, Question, SiteRating, Survey
from .panels import CitizenPanel


class FiledHereCreate(generic.CreateView):
    def save_instance(self):
        if hasattr(self.form.instance, "filed_with_id"):
            self.form.instance.filed_with = current_unit()
        return super().save_instance()


class ScopedViewSet(UnitScopedViewSet):
    add_view_class = FiledHereCreate


class QuestionViewSet(ScopedViewSet):
    name = "engage_question"
    url_prefix = "engage/question"
    model = Question
    icon = "help"
    menu_label = "Hỏi đáp trực tuyến"
    list_display = ["title", "code", "category", "status", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["title", "body", "code"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("category"),
            FieldPanel("body"),
            FieldPanel("answer"),
            FieldPanel("status"),
            FieldPanel("name", read_only=True),
            FieldPanel("phone", read_only=True),
            FieldPanel("email", read_only=True),
        ]
    )


class FeedbackViewSet(ScopedViewSet):
    name = "engage_feedback"
    url_prefix = "engage/feedback"
    model = Feedback
    icon = "mail"
    menu_label = "Phản ánh, kiến nghị"
    list_display = [
        "title",
        "code",
        "status",
        "deadline",
        BooleanColumn("is_overdue", label="Quá hạn"),
        "created_at",
    ]
    list_filter = ["status", "category", "kind"]
    search_fields = ["title", "body", "code"]
    edit_handler = ObjectList(
        [
            FieldPanel("title", read_only=True),
            FieldPanel("body", read_only=True),
            FieldPanel("location", read_only=True),
            CitizenPanel(heading="Người gửi và ảnh kèm theo"),
            FieldPanel("category"),
            FieldPanel("deadline"),
            FieldPanel("answer"),
            FieldPanel("action"),
            FieldPanel("note"),
        ],
        base_form_class=FeedbackAdminForm,
    )

    # Citizens file feedback; officials never add or copy it.
    disabled_actions = ("add",)


class SurveyViewSet(ScopedViewSet):
    name = "engage_survey"
    url_prefix = "engage/survey"
    model = Survey
    icon = "list-ul"
    menu_label = "Khảo sát ý kiến"
    list_display = ["title", "opens_at", "closes_at", "is_published"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("opens_at"),
            FieldPanel("closes_at"),
            FieldPanel("is_published"),
            FieldPanel("show_results"),
            InlinePanel("questions", label="Câu hỏi"),
        ],
        base_form_class=SurveyAdminForm,
    )


class SiteRatingViewSet(ScopedViewSet):
    name = "engage_siterating"
    url_prefix = "engage/siterating"
    model = SiteRating
    icon = "pick"
    menu_label = "Đánh giá trang"
    # Citizens' ratings are figures reported upwards: read, never written here.
    disabled_actions = ("add", "change")
    inspect_view_enabled = True
    list_display = ["created_at", "interface", "content", "usefulness", "comment"]
    form_fields = ["interface", "content", "usefulness", "comment"]


class EngageGroup(ViewSetGroup):
    menu_label = "Tương tác người dân"
    menu_icon = "group"
    menu_order = 250
    items = (QuestionViewSet, FeedbackViewSet, SurveyViewSet, SiteRatingViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return EngageGroup()


# --- the units below ------------------------------------------------------------------


@unit_permission_required("engage.view_feedback", "engage.view_question")
def subtree_overview(request, unit):
    below = list(unit.descendants().order_by("path"))
    return render(
        request,
        "engage/admin/subtree.html",
        {"unit": unit, "rows": services.queue_figures(below)},
    )


@unit_permission_required("engage.view_feedback", "engage.view_question")
def subtree_unit(request, code, unit):
    child = get_object_or_404(unit.descendants(), code=code)
    return render(
        request,
        "engage/admin/subtree_unit.html",
        {
            "unit": child,
            "feedback": Feedback.objects.filter(unit=child)[:200],
            "questions": Question.objects.filter(unit=child)[:200],
            "now": timezone.now(),
        },
    )


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("tuong-tac/cap-duoi/", subtree_overview, name="engage_subtree"),
        path(
            "tuong-tac/cap-duoi/<str:code>/", subtree_unit, name="engage_subtree_unit"
        ),
        path(
            "tuong-tac/anh-phan-anh/<int:pk>/",
            admin_views.feedback_photo,
            name="engage_feedback_photo",
        ),
    ]


class SubtreeMenuItem(MenuItem):
    def is_shown(self, request):
        unit = current_unit()
        return unit is not None and unit.descendants().exists()


@hooks.register("register_admin_menu_item")
def register_subtree_menu():
    return SubtreeMenuItem(
        "Phản ánh, hỏi đáp cấp dưới",
        reverse("engage_subtree"),
        icon_name="site",
        order=260,
    )
