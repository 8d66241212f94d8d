"""Receivers of cms, connected in CmsConfig.ready()."""

from django.db import connection, transaction
from django_tenants.utils import schema_context


def clear_root_paths_after_commit(sender, instance, **kwargs):
    """Wagtail clears its cached site root paths inside ``Page.save()``, before
    the transaction commits: a request served in between caches the paths
    without a new home translation for an hour, and that home's pages have no
    URL (a switcher to "None", syndicated links relative to the wrong host).
    Clear them again once the home level change is committed, in its unit."""
    from wagtail.models import Page, Site

    # Collections are treebeard nodes with a depth too: pages only.
    if not isinstance(instance, Page) or instance.depth != 2:
        return

    schema = connection.schema_name

    def clear():
        with schema_context(schema):
            Site.clear_site_root_paths_cache()

    transaction.on_commit(clear)


def template_schema_ready(sender, schema_name, **kwargs):
    from .services import prepare_unit_site

    prepare_unit_site()


def unit_schema_ready(sender, unit, hostname, **kwargs):
    from .services import configure_unit_site

    configure_unit_site(unit, hostname)


def unit_groups_ready(sender, home, groups, **kwargs):
    # The same page rights on every language's home (translated trees), so
    # translations go through the review and approvers can moderate them.
    from .localize import grant_locale_tree_permissions

    grant_locale_tree_permissions(home)
