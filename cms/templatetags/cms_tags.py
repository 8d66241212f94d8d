"""Template tags of a unit's public site: menu, breadcrumbs, languages."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page, Site

from cms.memo import memo
from cms.queries import public_q

register = template.Library()

LANGUAGE_NAMES = dict(settings.LANGUAGES)
SHORT_NAMES = {"vi": "Tiếng Việt", "km": "ភាសាខ្មែរ", "en": "English"}


def _home(request, page=None):
    site = Site.find_for_request(request)
    if site is None:
        return None
    home = site.root_page
    if page is not None and page.locale_id != home.locale_id:
        return home.get_translation_or_none(page.locale) or home
    return home.localized


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Live sections of the home page in the page's language."""
    request = context.get("request")
    page = context.get("page")
    home = _home(request, page) if request else None
    if home is None:
        return []
    # The same on every page of the unit until a publish (cms.memo).
    return memo(
        ("menu", home.pk),
        lambda: list(home.get_children().live().filter(public_q()).in_menu()),
    )


@register.simple_tag
def breadcrumbs(page):
    """Ancestors below the root, home first (the page itself excluded)."""
    if not isinstance(page, Page):
        return []
    # The same for every page of a section until a publish (cms.memo).
    parent_path = page.path[: -page.steplen]
    return memo(
        ("ancestors", parent_path),
        lambda: list(page.get_ancestors().filter(depth__gt=1)),
    )


@register.simple_tag(takes_context=True)
def page_tags(context, page):
    """The page's tags, the same until a publish (cms.memo); a preview
    shows the draft's own."""
    if not isinstance(page, Page) or not hasattr(page, "tags"):
        return []
    if getattr(context.get("request"), "is_preview", False):
        return list(page.tags.all())
    return memo(("tags", page.pk), lambda: list(page.tags.all()))


@register.simple_tag
def page_translations(page):
    """The page in every language it is published in, source (vi) first.
    The same until a publish of the unit (cms.memo)."""
    if not isinstance(page, Page):
        return []
    return memo(("translations", page.pk), lambda: _page_translations(page))


def _page_translations(page):
    translations = list(
        page.get_translations(inclusive=True).live().select_related("locale")
    )
    if len(translations) < 2:
        return []
    order = [code for code, _ in settings.LANGUAGES]
    translations.sort(
        key=lambda p: (
            order.index(p.locale.language_code)
            if p.locale.language_code in order
            else 99
        )
    )
    links = []
    for translation in translations:
        url = translation.url
        if url is None:
            # A stale root-path cache (a home translated after the paths were
            # cached) leaves the page without a URL: refresh once, and never
            # link to "None".
            Site.clear_site_root_paths_cache()
            translation = Page.objects.get(pk=translation.pk).specific
            url = translation.url
        if url is not None:
            links.append((translation, url))
    if len(links) < 2:
        return []
    return [
        {
            "page": translation,
            "url": url,
            "code": translation.locale.language_code,
            "full_url": translation.full_url,
            "name": SHORT_NAMES.get(
                translation.locale.language_code,
                LANGUAGE_NAMES.get(translation.locale.language_code, ""),
            ),
            "current": translation.pk == page.pk,
        }
        for translation, url in links
    ]


@register.simple_tag(takes_context=True)
def view_translations(context):
    """The language switch of a view that is not a page (search, citizens'
    forms, statements): the same address in each of the unit's languages
    (``/km/tim-kiem/?q=…``), when the view lives under the language prefix."""
    request = context.get("request")
    unit = getattr(request, "tenant", None)
    extra = [c for c in (getattr(unit, "languages", None) or []) if c != "vi"]
    if request is None or not extra:
        return []
    path = request.get_full_path()
    current = get_language()
    links = []
    for code in ["vi", *extra]:
        url = translate_url(path, code)
        links.append(
            {
                "page": None,
                "url": url,
                "code": code,
                "full_url": request.build_absolute_uri(url),
                "name": SHORT_NAMES.get(code, LANGUAGE_NAMES.get(code, "")),
                "current": code == current,
            }
        )
    if len({link["url"] for link in links}) < len(links):
        return []  # a view without the prefix (one address for every language)
    return links


@register.filter
def contains_page(section, page):
    """True when ``page`` is ``section`` or lies below it (menu highlight)."""
    url_path = getattr(page, "url_path", None)
    return bool(url_path) and url_path.startswith(section.url_path)
