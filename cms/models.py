"""Page types of a unit's website.

The home page and its mandated sections (Nghị định 42/2022) are created at
provisioning (``cms.services.prepare_unit_site``, on tenants'
``template_schema_ready``):

    HomePage
    ├── SectionPage "gioi-thieu"   → StandardPage, OrganisationPage, ProceduresPage
    ├── SectionPage "tin-tuc"      → ArticlePage, EventPage
    ├── LegalDocumentIndexPage "van-ban" → LegalDocumentPage
    ├── SectionPage "thong-bao"    → AnnouncementPage
    ├── SectionPage "hoi-dap"      (slot for the Q&A of ``engage``)
    └── ContactPage "lien-he"

Other apps read what they need from the page types: the class attributes
``search_kind``, ``syndicated`` and ``board_items`` (see ``BasePage``), and a
few fields of article and announcement pages (``syndicate``, ``summary``,
``category_name``, ``image``, ``show_on_boards``); keep their names stable.
"""

import functools

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Lower
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from base.choices import Priority
from base.ratelimit import LIMITED_MESSAGE, is_limited
from search.folding import fold

from .blocks import RICH_TEXT_FEATURES, BaseStreamBlock
from .cache import CachedPageMixin
from .queries import group_by_category, public_q, route_by_path, view_restrictions

IMAGE_MODEL = "wagtailimages.Image"
DOCUMENT_MODEL = "wagtaildocs.Document"


# --- snippets -------------------------------------------------------------------


@register_snippet
class Category(TranslatableMixin, models.Model):
    """A topic for articles and announcements (Kinh tế, Y tế, ...)."""

    name = models.CharField("tên chuyên đề", max_length=120)
    slug = models.SlugField("đường dẫn", max_length=120, allow_unicode=False)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "chuyên đề"
        verbose_name_plural = "chuyên đề"
        ordering = ["name"]

    def __str__(self):
        return self.name


@register_snippet
class Person(TranslatableMixin, index.Indexed, models.Model):
    """A leader or official the public can contact (Lãnh đạo, cán bộ)."""

    name = models.CharField("họ và tên", max_length=150)
    position = models.CharField("chức vụ", max_length=200)
    department = models.CharField("bộ phận", max_length=200, blank=True)
    phone = models.CharField("điện thoại", max_length=40, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    photo = models.ForeignKey(
        IMAGE_MODEL,
        verbose_name="ảnh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=100)

    panels = [
        FieldPanel("name"),
        FieldPanel("position"),
        FieldPanel("department"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldPanel("photo"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("position")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = "cán bộ, liên hệ"
        verbose_name_plural = "cán bộ, liên hệ"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return f"{self.name} – {self.position}"


# --- shared behaviour -------------------------------------------------------------


class ReviewDateMixin(models.Model):
    """A date after which the page is flagged in the admin for re-checking."""

    review_date = models.DateField(
        "ngày rà soát lại",
        null=True,
        blank=True,
        help_text="Sau ngày này, trang được đánh dấu cần rà soát lại trong "
        "trang quản trị.",
    )

    class Meta:
        abstract = True

    @property
    def needs_review(self):
        return bool(self.review_date and self.review_date <= timezone.localdate())


class BasePage(CachedPageMixin, ReviewDateMixin, Page):
    """Every page type of a unit's site: cached for citizens, reviewable.

    Routing and the privacy check cost one query each (``cms.queries``)
    instead of two per level and two."""

    settings_panels = Page.settings_panels + [FieldPanel("review_date")]

    # What other apps need from a page type, read from these class attributes
    # (so a new page type says it here, not in their code):
    #: search: the kind of its entries in the cross-unit index (a facet);
    #: None keeps the type out of the index (containers such as the home).
    search_kind = "page"
    #: syndication: its live pages go up to the portals above (the editor's
    #: per-page "syndicate" field can still keep one page back).
    syndicated = False
    #: signage: its live pages marked "show_on_boards" are board items.
    board_items = False

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        return view_restrictions(self)

    def route(self, request, path_components):
        if path_components and _routes_by_path():
            target = route_by_path(self, path_components)
            if target is not None:
                return target.route(request, [])
        return super().route(request, path_components)


@functools.cache
def _routes_by_path():
    """True while no page type routes its own sub-paths (RoutablePageMixin
    and the like): then a URL names a page by its ``url_path`` alone."""
    from wagtail.models import get_page_models

    return all(
        model.route in (Page.route, BasePage.route) for model in get_page_models()
    )


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class AnnouncementTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.AnnouncementPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class PublicationMixin(models.Model):
    """What article and announcement pages share, and other apps read."""

    date = models.DateField("ngày đăng", null=True, blank=True)
    summary = models.TextField("tóm tắt", blank=True)
    image = models.ForeignKey(
        IMAGE_MODEL,
        verbose_name="ảnh đại diện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        "cms.Category",
        verbose_name="chuyên đề",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name="nội dung", blank=True)
    syndicate = models.BooleanField("Đưa lên cổng cấp trên", default=True)

    class Meta:
        abstract = True

    @property
    def category_name(self):
        return self.category.name if self.category_id else ""

    @property
    def display_date(self):
        if self.date:
            return self.date
        if self.first_published_at:
            return timezone.localtime(self.first_published_at).date()
        return None


# --- the tree -----------------------------------------------------------------------


# The articles the home page reads: its latest six, and those grouped by
# category (a category older than the last 60 articles is left out).
RECENT_ARTICLES = 60


class HomePage(BasePage):
    """The root of a unit's site; its children are the mandated sections."""

    search_kind = None

    intro = RichTextField("lời giới thiệu", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = [
        "cms.SectionPage",
        "cms.LegalDocumentIndexPage",
        "cms.ContactPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "trang chủ"

    def get_context(self, request, *args, **kwargs):
        from .memo import memo, memo_until

        context = super().get_context(request, *args, **kwargs)
        # The lists change with a publish (the unit's generation, cms.memo)
        # or with the clock: announcements by the day, events as each starts.
        today = timezone.localdate()
        lists = memo(("home-lists", self.pk, today), lambda: self._lists(today))
        context.update({name: list(items) for name, items in lists.items()})
        context["latest"] = lists["recent_articles"][:6]
        context["events"] = memo_until(("home-events", self.pk), self._events)
        return context

    def _public_below(self, model):
        return (
            model.objects.live()
            .filter(public_q())
            .descendant_of(self)
            .filter(locale_id=self.locale_id)
        )

    def _lists(self, today):
        # One read for "Tin mới" (the first six) and the news by category
        # below it (themes' news_by_category groups the rest).
        recent = list(
            self._public_below(ArticlePage)
            .select_related("image", "category")
            # Cards and lists show title, date, summary and image: the body
            # (the largest column, a StreamField) stays in the database.
            .defer("body")
            .order_by("-first_published_at")[:RECENT_ARTICLES]
        )
        # Kept: the first six and those the news by category shows (themes'
        # news_by_category, with its defaults, groups these as it would
        # group them all).
        shown = {a.pk for _, group in group_by_category(recent) for a in group}
        return {
            "recent_articles": [
                a for i, a in enumerate(recent) if i < 6 or a.pk in shown
            ],
            "announcements": list(
                AnnouncementPage.current(self._public_below(AnnouncementPage), today)[
                    :5
                ]
            ),
            "documents": list(
                self._public_below(LegalDocumentPage).order_by("-issued_on")[:5]
            ),
        }

    def _events(self):
        """The next three events, kept until the first of them starts."""
        events = list(
            self._public_below(EventPage)
            .filter(starts_at__gte=timezone.now())
            .order_by("starts_at")[:3]
        )
        return events, (events[0].starts_at if events else None)


class SectionPage(BasePage):
    """A section of the site (Giới thiệu, Tin tức, Thông báo, ...)."""

    intro = RichTextField("giới thiệu mục", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.SectionPage"]
    subpage_types = [
        "cms.SectionPage",
        "cms.StandardPage",
        "cms.ArticlePage",
        "cms.AnnouncementPage",
        "cms.EventPage",
        "cms.OrganisationPage",
        "cms.ProceduresPage",
    ]
    per_page = 20

    class Meta:
        verbose_name = "chuyên mục"

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        children = (
            self.get_children()
            .live()
            .filter(public_q())
            .specific()
            .order_by("-first_published_at")
        )
        # Announcements past their validity window leave the listing.
        today = timezone.localdate()
        children = [
            child
            for child in children
            if not (
                isinstance(child, AnnouncementPage)
                and child.valid_until
                and child.valid_until < today
            )
        ]
        paginator = Paginator(children, self.per_page)
        context["children"] = paginator.get_page(request.GET.get("trang"))
        return context


class StandardPage(BasePage):
    """A plain page: introduction of the commune, natural conditions, ..."""

    summary = models.TextField("tóm tắt", blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name="nội dung", blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["cms.SectionPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = "trang nội dung"


def _check_board_text(page):
    """A page marked for boards must fit the unit's LED boards (paged);
    signage says how much fits."""
    from signage.services import page_text_problem

    problem = page_text_problem(page)
    if problem:
        raise ValidationError({"summary": problem})


class ArticlePage(PublicationMixin, BasePage):
    """A news item written by an editor."""

    search_kind = "article"
    syndicated = True
    board_items = True

    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name="thẻ")
    show_on_boards = models.BooleanField("Hiện trên bảng tin điện tử", default=False)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("category"),
        FieldPanel("tags"),
        FieldPanel("body"),
    ]
    promote_panels = Page.promote_panels + [
        MultiFieldPanel(
            [FieldPanel("syndicate"), FieldPanel("show_on_boards")],
            heading="Phân phối",
        )
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = "bài viết"

    def clean(self):
        super().clean()
        _check_board_text(self)


class AnnouncementPage(PublicationMixin, BasePage):
    """An announcement with a validity window and a priority."""

    search_kind = "announcement"
    syndicated = True
    board_items = True

    valid_from = models.DateField("hiệu lực từ ngày", null=True, blank=True)
    valid_until = models.DateField("hiệu lực đến ngày", null=True, blank=True)
    priority = models.CharField(
        "mức độ ưu tiên",
        max_length=16,
        choices=Priority.choices,
        default=Priority.NORMAL,
    )
    tags = ClusterTaggableManager(
        through=AnnouncementTag, blank=True, verbose_name="thẻ"
    )
    show_on_boards = models.BooleanField("Hiện trên bảng tin điện tử", default=True)
    # Pushed once, when first published, to the phones that follow the unit
    # (pwa.receivers); nothing is pushed unless the unit ticks it.
    push_to_phones = models.BooleanField(
        "Gửi đến điện thoại người theo dõi",
        default=False,
        help_text="Khi xuất bản, gửi thông báo đến điện thoại của người dân đã "
        "bấm “Nhận cảnh báo” của đơn vị (một lần).",
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        FieldPanel("priority"),
        FieldPanel("push_to_phones"),
        FieldPanel("image"),
        FieldPanel("category"),
        FieldPanel("tags"),
        FieldPanel("body"),
    ]
    promote_panels = ArticlePage.promote_panels
    search_fields = ArticlePage.search_fields
    parent_page_types = ["cms.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = "thông báo"

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."}
            )
        _check_board_text(self)

    @classmethod
    def current(cls, queryset, today=None):
        """Announcements valid today, most urgent first."""
        today = today or timezone.localdate()
        return (
            queryset.filter(
                models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=today),
                models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today),
            )
            .annotate(
                rank=models.Case(
                    models.When(priority=Priority.EMERGENCY, then=0),
                    models.When(priority=Priority.PRIORITY, then=1),
                    default=2,
                    output_field=models.IntegerField(),
                )
            )
            .order_by("rank", "-first_published_at")
        )

    @property
    def is_current(self):
        today = timezone.localdate()
        return (not self.valid_from or self.valid_from <= today) and (
            not self.valid_until or self.valid_until >= today
        )


class EventPage(BasePage):
    """A meeting, a vaccination day, a festival: a time and a place."""

    search_kind = "event"

    starts_at = models.DateTimeField("bắt đầu")
    ends_at = models.DateTimeField("kết thúc", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255)
    summary = models.TextField("tóm tắt", blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name="nội dung", blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("place"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("place")]
    parent_page_types = ["cms.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = "sự kiện"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "Thời gian kết thúc phải sau bắt đầu."})


class OrganisationPage(BasePage):
    """Leaders and contacts of the unit, from the Person snippet."""

    intro = RichTextField("giới thiệu", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = "tổ chức bộ máy"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        people = Person.objects.filter(locale_id=self.locale_id).select_related("photo")
        if not people.exists():
            people = Person.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        context["people"] = people
        return context


class ProcedureLink(Orderable):
    page = ParentalKey(
        "cms.ProceduresPage", on_delete=models.CASCADE, related_name="procedures"
    )
    title = models.CharField("tên thủ tục", max_length=255)
    field = models.CharField("lĩnh vực", max_length=120, blank=True)
    url = models.URLField("đường dẫn trên Cổng dịch vụ công", max_length=500)

    panels = [FieldPanel("title"), FieldPanel("field"), FieldPanel("url")]


class ProceduresPage(BasePage):
    """Administrative procedures, linking out to the public-service portal."""

    intro = RichTextField("giới thiệu", blank=True, features=RICH_TEXT_FEATURES)
    portal_url = models.URLField(
        "Cổng dịch vụ công", default="https://dichvucong.gov.vn", max_length=300
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("portal_url"),
        InlinePanel("procedures", heading="Thủ tục hành chính", label="thủ tục"),
    ]
    parent_page_types = ["cms.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = "thủ tục hành chính"


# --- legal documents ---------------------------------------------------------


class DocumentType(models.TextChoices):
    RESOLUTION = "nghi-quyet", "Nghị quyết"
    DECISION = "quyet-dinh", "Quyết định"
    DIRECTIVE = "chi-thi", "Chỉ thị"
    PLAN = "ke-hoach", "Kế hoạch"
    NOTICE = "thong-bao", "Thông báo"
    OFFICIAL_LETTER = "cong-van", "Công văn"
    REPORT = "bao-cao", "Báo cáo"
    OTHER = "khac", "Văn bản khác"


class DocumentStatus(models.TextChoices):
    IN_FORCE = "con-hieu-luc", "Còn hiệu lực"
    NOT_YET = "chua-hieu-luc", "Chưa có hiệu lực"
    PARTLY = "het-mot-phan", "Hết hiệu lực một phần"
    EXPIRED = "het-hieu-luc", "Hết hiệu lực"


class LegalDocumentFilterForm(forms.Form):
    """The filters of the document index; every field is optional."""

    loai = forms.ChoiceField(
        label="Loại văn bản",
        required=False,
        choices=[("", "Tất cả")] + list(DocumentType.choices),
    )
    co_quan = forms.ChoiceField(label="Cơ quan ban hành", required=False)
    nam = forms.TypedChoiceField(
        label="Năm ban hành", required=False, coerce=int, empty_value=None
    )
    so_hieu = forms.CharField(label="Số hiệu", required=False, max_length=60)

    def __init__(self, *args, issuers=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_quan"].choices = [("", "Tất cả")] + [(i, i) for i in issuers]
        self.fields["nam"].choices = [("", "Tất cả")] + [(y, y) for y in years]


_VI_LETTERS = "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
_VI_LETTERS += _VI_LETTERS.upper()


def number_folded(field):
    """SQL: a document number folded as search folds it, with "/" and "-" as
    spaces (``15/QĐ-UBND`` -> ``15 qd ubnd``), so ``15/QD-UBND``, ``15/qd`` and
    ``qđ-ubnd`` all find it; translate() and ASCII lower() need no extension."""
    return Lower(
        Func(
            F(field),
            Value(_VI_LETTERS + "/-"),
            Value(fold(_VI_LETTERS) + "  "),
            function="translate",
            output_field=models.CharField(),
        )
    )


def number_query(text):
    return " ".join(fold(text).replace("/", " ").replace("-", " ").split())


class LegalDocumentIndexPage(BasePage):
    """The "Văn bản" section: documents filtered by type, issuer, year, number."""

    intro = RichTextField("giới thiệu mục", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.LegalDocumentPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "danh mục văn bản"

    def documents(self):
        return (
            LegalDocumentPage.objects.live()
            .filter(public_q())
            .child_of(self)
            .select_related("document")
            .order_by("-issued_on", "number")
        )

    def filter_documents(self, params):
        """Documents matching the query string; the bound form for the page."""
        documents = self.documents()
        issuers = sorted(set(documents.values_list("issuer", flat=True)) - {""})
        years = sorted({d.year for d in documents.values_list("issued_on", flat=True)})
        form = LegalDocumentFilterForm(
            params, issuers=issuers, years=list(reversed(years))
        )
        if form.is_valid():
            data = form.cleaned_data
            if data["loai"]:
                documents = documents.filter(doc_type=data["loai"])
            if data["co_quan"]:
                documents = documents.filter(issuer=data["co_quan"])
            if data["nam"]:
                documents = documents.filter(issued_on__year=data["nam"])
            if data["so_hieu"]:
                documents = documents.annotate(
                    number_folded=number_folded("number")
                ).filter(number_folded__icontains=number_query(data["so_hieu"]))
        else:
            documents = documents.none()
        return documents, form

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        documents, form = self.filter_documents(request.GET)
        context["form"] = form
        context["documents"] = Paginator(documents, 30).get_page(
            request.GET.get("trang")
        )
        return context


class LegalDocumentPage(BasePage):
    """A legal document: number, type, issuer, signer, dates, status, file."""

    search_kind = "legal"

    number = models.CharField("số hiệu", max_length=60)
    doc_type = models.CharField(
        "loại văn bản", max_length=20, choices=DocumentType.choices
    )
    issuer = models.CharField("cơ quan ban hành", max_length=200)
    signer = models.CharField("người ký", max_length=150, blank=True)
    issued_on = models.DateField("ngày ban hành")
    effective_on = models.DateField("ngày hiệu lực", null=True, blank=True)
    summary = models.TextField("trích yếu")
    status = models.CharField(
        "tình trạng hiệu lực",
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.IN_FORCE,
    )
    document = models.ForeignKey(
        DOCUMENT_MODEL,
        verbose_name="tệp văn bản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = RichTextField("ghi chú", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("number"), FieldPanel("doc_type")]),
        FieldRowPanel([FieldPanel("issuer"), FieldPanel("signer")]),
        FieldRowPanel([FieldPanel("issued_on"), FieldPanel("effective_on")]),
        FieldPanel("summary"),
        FieldPanel("status"),
        FieldPanel("document"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("number"),
        index.SearchField("summary"),
        index.FilterField("doc_type"),
    ]
    parent_page_types = ["cms.LegalDocumentIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"

    def full_clean(self, *args, **kwargs):
        # Draft saves may defer required fields; a document is never stored
        # without its number and date, whatever path it comes through.
        errors = {}
        if not (self.number or "").strip():
            errors["number"] = "Văn bản phải có số hiệu (trường “Số hiệu”)."
        if not self.issued_on:
            errors["issued_on"] = (
                "Văn bản phải có ngày ban hành (trường “Ngày ban hành”)."
            )
        try:
            super().full_clean(*args, **kwargs)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in errors:
                    errors[field] = messages
        if errors:
            raise ValidationError(errors)

    @property
    def year(self):
        return self.issued_on.year if self.issued_on else None


# --- contact -----------------------------------------------------------------


class ContactPage(BasePage):
    """The "Liên hệ" section: address, phones and a rate-limited form."""

    cacheable = False  # the form carries a CSRF token

    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=60, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    intro = RichTextField("giới thiệu", blank=True, features=RICH_TEXT_FEATURES)
    thank_you_text = models.CharField(
        "lời cảm ơn",
        max_length=255,
        default="Cảm ơn bạn đã liên hệ. Chúng tôi sẽ trả lời sớm nhất có thể.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldPanel("thank_you_text"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "trang liên hệ"

    def serve(self, request, *args, **kwargs):
        from .forms import ContactForm

        form = ContactForm()
        if request.method == "POST":
            form = ContactForm(request.POST)
            if is_limited(request, "cms.contact"):
                form.add_error(None, LIMITED_MESSAGE)
                return self.render_form(request, form, status=429)
            if form.is_valid():
                ContactMessage.objects.create(page=self, **form.cleaned_data)
                return redirect(self.url + "?da-gui=1")
        context = self.get_context(request, *args, **kwargs)
        context["form"] = form
        context["sent"] = request.GET.get("da-gui") == "1"
        return TemplateResponse(request, self.get_template(request), context)

    def render_form(self, request, form, status=200):
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(
            request, self.get_template(request), context, status=status
        )


class ContactMessage(models.Model):
    """A message a citizen sent through the contact page."""

    page = models.ForeignKey(
        ContactPage, on_delete=models.CASCADE, related_name="messages"
    )
    name = models.CharField("họ và tên", max_length=150)
    phone = models.CharField("điện thoại", max_length=40, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    message = models.TextField("nội dung")
    created_at = models.DateTimeField("gửi lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thư liên hệ"
        verbose_name_plural = "thư liên hệ"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({timezone.localtime(self.created_at):%d/%m/%Y %H:%M})"
