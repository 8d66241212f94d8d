"""Page types of a unit's website.

The home page and its mandated sections are created at provisioning
(tenants.services); editors add articles under the sections.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The root of a unit's site; its children are the mandated sections."""

    intro = RichTextField("lời giới thiệu", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.SectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "trang chủ"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().in_menu().specific()
        context["latest"] = (
            ArticlePage.objects.live()
            .descendant_of(self)
            .filter(locale=self.locale)
            .order_by("-first_published_at")[:6]
        )
        return context


class SectionPage(Page):
    """A section of the site (Giới thiệu, Tin tức, Văn bản, ...)."""

    intro = RichTextField("giới thiệu mục", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.SectionPage"]

    class Meta:
        verbose_name = "chuyên mục"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = (
            self.get_children().live().specific().order_by("-first_published_at")
        )
        return context


class ArticlePage(Page):
    """A news item, announcement text or document page written by an editor."""

    date = models.DateField("ngày đăng", null=True, blank=True)
    summary = models.TextField("tóm tắt", blank=True)
    body = RichTextField("nội dung", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = "bài viết"
