"""Public surface of the cms app for other apps.

- ``create_page_from_bulletin``: a commune turns a bulletin into a draft
  page and sends it for review (used by ``bulletins``).
- ``ensure_review_workflow``: the "commune review" workflow every unit gets
  from the template schema.
- ``prepare_unit_site`` and ``configure_unit_site``: the template schema's
  home page, sections and Site, and a new unit's hostname and title
  (receivers of ``tenants.signals.template_schema_ready`` and
  ``unit_schema_ready``: tenants provisions schemas, cms fills them).
- ``sanitise_rich_text``: HTML from outside the editor, cleaned to what the
  editor itself could have produced.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.rich_text import RichText

from base.text import vietnamese_slug

from .blocks import RICH_TEXT_FEATURES

REVIEW_WORKFLOW_NAME = "Duyệt nội dung xã"
REVIEW_TASK_NAME = "Người duyệt xuất bản"

SECTION_FOR_KIND = {"announcement": "thong-bao", "article": "tin-tuc"}


def sanitise_rich_text(html):
    """Keep only the elements and attributes the rich text editor allows."""
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

    return EditorHTMLConverter(features=RICH_TEXT_FEATURES).to_database_format(
        html or ""
    )


def site_home():
    """The current unit's home page (vi, the source locale)."""
    from wagtail.models import Site

    site = Site.objects.select_related("root_page").get(is_default_site=True)
    return site.root_page.specific


def section(slug):
    return site_home().get_children().get(slug=slug).specific


def unique_child_slug(parent, base):
    slug, n = base, 1
    existing = set(parent.get_children().values_list("slug", flat=True))
    while slug in existing:
        n += 1
        slug = f"{base}-{n}"
    return slug


def get_review_workflow():
    from wagtail.models import Workflow

    return Workflow.objects.filter(name=REVIEW_WORKFLOW_NAME, active=True).first()


@transaction.atomic
def create_page_from_bulletin(
    *,
    title,
    summary,
    body_html,
    kind="announcement",
    submit_for_review=True,
    user=None,
):
    """Create a DRAFT page from a bulletin in the current unit's schema.

    announcement → under "thong-bao", article → under "tin-tuc". The body is
    sanitised. With ``submit_for_review`` the page enters the unit's commune
    review workflow, so an approver publishes it. Returns the specific page.
    """
    from .models import AnnouncementPage, ArticlePage

    if kind not in SECTION_FOR_KIND:
        raise ValueError(f"unknown kind {kind!r}: use 'announcement' or 'article'")
    parent = section(SECTION_FOR_KIND[kind])
    model = AnnouncementPage if kind == "announcement" else ArticlePage
    page = model(
        title=title[:255],
        slug=unique_child_slug(
            parent, vietnamese_slug(title, max_length=200, fallback="trang")
        ),
        summary=summary or "",
        body=[("paragraph", RichText(sanitise_rich_text(body_html)))],
        date=timezone.localdate(),
        live=False,
        owner=user,
        locale=parent.locale,
    )
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    if submit_for_review:
        workflow = page.get_workflow() or get_review_workflow()
        if workflow is not None:
            workflow.start(page, user)
    return page


def ensure_review_workflow(home, approver_group):
    """The "commune review" workflow on the home page (so on every page).

    Editors submit; members of the approver group approve (which publishes)
    or reject with a comment. Created in the template schema, so every unit
    cloned from it has the workflow already.
    """
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.set([approver_group])
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW_NAME)
    # Workflow is a ClusterableModel: its child manager would only create
    # the row in memory, so the link is written directly.
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    # On the root too: translated trees (km, en, ...) hang from the root, not
    # from the vi home page, and must go through the same review. Wagtail's
    # starter "Moderators approval" workflow is retired.
    root = home.get_parent()
    for page in (root, home):
        WorkflowPage.objects.update_or_create(
            page=page, defaults={"workflow": workflow}
        )
    Workflow.objects.exclude(pk=workflow.pk).update(active=False)
    return workflow


def translate_page(page, language_code, *, user=None, publish_parents=True):
    """Start a wagtail-localize translation of ``page`` into a language.

    Parents not yet translated (home, section) are translated first and, with
    ``publish_parents``, published, so the new page has a live path under
    /<language>/. The translated page itself is created as a draft the
    translator fills in (wagtail-localize's editor) and submits for review.
    Returns the translated page.
    """
    from wagtail.models import Locale
    from wagtail_localize.models import Translation, TranslationSource

    locale = Locale.objects.get(language_code=language_code)
    chain = [
        p.specific
        for p in page.get_ancestors(inclusive=True).filter(depth__gt=1)
        if not p.get_translations().filter(locale=locale).exists()
    ]
    for item in chain:
        source, _ = TranslationSource.get_or_create_from_instance(item)
        translation, _ = Translation.objects.get_or_create(
            source=source, target_locale=locale, defaults={"enabled": True}
        )
        # wagtail-localize publishes on commit; parents are published here at
        # once so the path exists inside the caller's transaction too.
        translation.save_target(user=user, publish=False)
        if item.pk != page.pk and publish_parents:
            parent_copy = item.get_translation(locale)
            parent_copy.get_latest_revision().publish(user=user)
    return page.get_translation(locale).specific


def unit_language_codes():
    """Languages of the current unit's site: vi first, then the extras."""
    from wagtail.models import Locale

    codes = list(Locale.objects.values_list("language_code", flat=True))
    default = settings.LANGUAGE_CODE
    return [default] + sorted(c for c in codes if c != default)


# --- the pages every unit starts with (tenants' provisioning signals) ---------

TEMPLATE_HOSTNAME = "unit-template.invalid"


def prepare_unit_site():
    """Inside the template schema: the home page, the mandated sections,
    the Site, the unit's groups' rights and the review workflow. Idempotent
    (runs after every migrate_schemas that reaches the template)."""
    from wagtail.models import Locale, Page, Site

    from tenants.services import ensure_unit_groups

    from .models import ContactPage, HomePage, LegalDocumentIndexPage, SectionPage

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(depth=2).first()
    if home is None:
        # Wagtail's starter "Welcome" page is replaced by our home page.
        for starter in Page.objects.filter(depth=2).exclude(
            content_type__model="homepage"
        ):
            Site.objects.filter(root_page=starter).delete()
            starter.delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(
                title="Trang chủ",
                slug="trang-chu",
                locale=locale,
                intro="",
            )
        )
        # "van-ban" filters legal documents, "lien-he" carries the contact
        # form; every other mandated section is a plain SectionPage.
        section_types = {"van-ban": LegalDocumentIndexPage, "lien-he": ContactPage}
        for slug, title in settings.UNIT_HOME_SECTIONS:
            model = section_types.get(slug, SectionPage)
            home.add_child(
                instance=model(
                    title=title, slug=slug, locale=locale, show_in_menus=True
                )
            )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": TEMPLATE_HOSTNAME,
            "port": 80,
            "root_page": home,
            "site_name": "Trang chủ",
        },
    )
    groups = ensure_unit_groups(home)
    ensure_review_workflow(home, groups[settings.UNIT_APPROVER_GROUP])
    return home


def configure_unit_site(unit, hostname):
    """Inside a unit's schema: its Site answers on its hostname and the home
    page carries its name."""
    from wagtail.models import Site

    from .models import HomePage

    title = unit.name_with_type or unit.name
    site = Site.objects.get(is_default_site=True)
    site.hostname = hostname
    site.site_name = title
    site.port = settings.PUBLIC_PORT
    site.save()
    HomePage.objects.filter(pk=site.root_page_id).update(title=title, draft_title=title)
    Site.clear_site_root_paths_cache()
