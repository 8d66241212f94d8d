"""Page queries that cost one statement where Wagtail's cost two or more.

- ``public(queryset)`` and ``public_q()``: Wagtail's ``.public()`` reads every
  view restriction of the unit first, then filters by their paths; here a
  unit without restrictions (the unit's memo knows) filters nothing, and
  one with some checks them with a ``NOT EXISTS`` inside the same SELECT.
- ``view_restrictions(page)``: the restrictions on a page and its
  ancestors (an alias answers to its source page's), in one query instead
  of Wagtail's two (ancestors, then restrictions).
- ``route_by_path(page, components)``: the page a URL names below ``page``,
  found by its ``url_path`` in one query instead of one per level.
"""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction


def restricted_paths():
    """The paths of the unit's pages with a view restriction (kept in the
    unit's memo: a restriction saved or deleted bumps its generation)."""
    from .memo import memo

    return memo(
        ("restricted-paths",),
        lambda: sorted(
            set(PageViewRestriction.objects.values_list("page__path", flat=True))
        ),
    )


def public_q():
    """The filter ``public()`` applies: no view restriction on the page or
    above it. Most units have none: then nothing is filtered. Otherwise a
    restriction's page path is a prefix of the page's, checked inside the
    same SELECT."""
    if not restricted_paths():
        return Q()
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return ~Exists(restricted)


def public(queryset):
    return queryset.filter(public_q())


def ancestor_paths(page):
    """The treebeard paths of ``page`` and every ancestor."""
    step = page.steplen
    return [page.path[:end] for end in range(step, len(page.path) + 1, step)]


def view_restrictions(page):
    if not restricted_paths():
        return PageViewRestriction.objects.none()
    pages = Page.objects.filter(path__in=ancestor_paths(page))
    return PageViewRestriction.objects.filter(
        Q(page__in=pages.filter(alias_of__isnull=True).values("pk"))
        | Q(page__in=pages.filter(alias_of__isnull=False).values("alias_of"))
    )


def route_by_path(page, components):
    """The specific live-or-not page at ``page.url_path + components``, or
    None. Only for trees where no page type overrides ``route()`` below
    ``page`` (Wagtail would otherwise hand the rest of the path to it)."""
    from django.contrib.contenttypes.models import ContentType

    from .memo import memo

    url_path = page.url_path + "".join(f"{c}/" for c in components)
    # Which page an address names changes only with a publish, move or
    # delete (the unit's generation): kept for addresses that name a page,
    # never for the others (anyone can make those up).
    found = memo(
        ("route", page.pk, url_path),
        lambda: (
            Page.objects.filter(url_path=url_path, path__startswith=page.path)
            .exclude(pk=page.pk)
            .values_list("pk", "content_type_id")
            .first()
        ),
        store_none=False,
    )
    if found is None:
        return None
    pk, content_type_id = found
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:  # a page type no longer installed: Wagtail's base page
        return Page.objects.filter(pk=pk).first()
    return model.objects.filter(pk=pk).first()


def group_by_category(articles, per_category=3, limit=4):
    """[(category, [articles])]: the first ``per_category`` articles of each
    category, the ``limit`` categories met first (articles newest first)."""
    groups = {}
    for article in articles:
        if article.category_id is None:
            continue
        bucket = groups.setdefault(article.category_id, (article.category, []))
        if len(bucket[1]) < per_category:
            bucket[1].append(article)
    return list(groups.values())[:limit]
