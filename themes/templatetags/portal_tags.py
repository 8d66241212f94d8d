"""Template tags of a unit's public site chrome: identity, the directory of
units below, the emergency banner, news by category, feeds."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..identity import unit_identity as _unit_identity

register = template.Library()

KHMER_LETTERS = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")


@register.filter
def text_lang(text):
    """The language of what a citizen or an officer wrote (a question, an
    answer, a note): Khmer when it has Khmer letters, else Vietnamese."""
    return "km" if KHMER_LETTERS.search(str(text or "")) else "vi"


@register.filter
def lang_attr(text):
    """`` lang="vi"`` on such text when it is not in the page's language (a
    Vietnamese answer on a Khmer page), nothing otherwise: screen readers
    then read each part in its own language."""
    lang = text_lang(text)
    return mark_safe(f' lang="{lang}"') if lang != (get_language() or "vi") else ""


@register.filter(needs_autoescape=True)
def lang_span(text, autoescape=True):
    """The text itself, in a ``<span lang="…">`` when its language is not the
    page's (inline parts: a unit's name, an officer's note)."""
    value = conditional_escape(text) if autoescape else str(text)
    lang = text_lang(text)
    if lang == (get_language() or "vi"):
        return value
    return format_html('<span lang="{}">{}</span>', lang, value)


@register.simple_tag(takes_context=True)
def unit_identity(context, theme=None):
    return _unit_identity(context.get("current_unit"), theme)


def _unit_url(unit, hostname, request):
    port = request.get_port() if request is not None else "80"
    suffix = "" if str(port) in ("80", "443") else f":{port}"
    scheme = request.scheme if request is not None else "http"
    return f"{scheme}://{hostname}{suffix}/"


@register.simple_tag(takes_context=True)
def units_below(context, depth=2):
    """The provisioned units below the current one, each with its link and
    (for a province) its own units below: [{unit, url, children}, ...]."""
    from tenants.models import Domain, Unit

    unit = context.get("current_unit")
    request = context.get("request")
    if unit is None or getattr(unit, "schema_name", "public") == "public":
        return []
    units = list(
        Unit.objects.filter(structure=unit.structure, path__startswith=unit.path + "/")
        .exclude(kind="department")
        .filter(provisioned_at__isnull=False)
        .order_by("name")
    )
    top = unit.path.count("/")
    units = [u for u in units if u.path.count("/") - top <= int(depth)]
    hostnames = {}
    for domain in Domain.objects.filter(tenant__in=units).order_by(
        "-is_primary", "domain"
    ):
        hostnames.setdefault(domain.tenant_id, domain.domain)
    nodes = {
        u.pk: {
            "unit": u,
            "url": _unit_url(u, hostnames[u.pk], request) if u.pk in hostnames else "",
            "children": [],
        }
        for u in units
    }
    roots = []
    for u in units:
        parent = nodes.get(u.parent_id)
        (parent["children"] if parent else roots).append(nodes[u.pk])
    return roots


@register.simple_tag(takes_context=True)
def live_emergencies(context):
    from bulletins.emergency import live_bulletins

    return live_bulletins(context.get("current_unit"))


@register.simple_tag
def news_by_category(page, articles=None, per_category=3, limit=4):
    """The latest articles of the home's locale grouped by category, the
    categories with the newest articles first: [(category, [articles])].
    ``articles``: the home's recent articles when it has read them already
    (newest first, categories selected)."""
    if articles is None:
        from cms.models import RECENT_ARTICLES, ArticlePage
        from cms.queries import public_q

        articles = (
            ArticlePage.objects.live()
            .filter(public_q())
            .descendant_of(page)
            .filter(locale_id=page.locale_id)
            .select_related("category", "image")
            .order_by("-first_published_at")[:RECENT_ARTICLES]
        )
    from cms.queries import group_by_category

    return group_by_category(articles, int(per_category), int(limit))


@register.simple_tag(takes_context=True)
def syndicated_cards(context, limit=6):
    """The latest items of the units below, for "Tin từ cơ sở" cards."""
    from syndication.services import portal_items

    unit = context.get("current_unit")
    if unit is None:
        return []
    # The home page's own language: a commune's Khmer copy of an article is
    # not a second card on a Vietnamese home (nor the reverse).
    page = context.get("page")
    language = page.locale.language_code if page is not None else get_language()
    items = portal_items(unit).filter(language=language)
    return list(items.select_related("unit")[: int(limit)])


@register.simple_tag
def leaders(page, limit=4):
    """The unit's first contacts (Person snippets by order), in the page's
    language when translated."""
    from cms.models import Person

    people = Person.objects.filter(locale=page.locale).select_related("photo")
    if not people.exists():
        people = Person.objects.filter(locale__language_code="vi").select_related(
            "photo"
        )
    return list(people[: int(limit)])
