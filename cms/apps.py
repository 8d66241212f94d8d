from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Nội dung"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from tenants import signals as tenant_signals

        from . import memo, receivers
        from .cache import invalidate_unit_pages

        memo.install()

        # tenants provisions the schemas; cms builds the pages inside them.
        for name in ("template_schema_ready", "unit_schema_ready", "unit_groups_ready"):
            getattr(tenant_signals, name).connect(
                getattr(receivers, name), dispatch_uid=f"cms-{name}"
            )
        from .receivers import clear_root_paths_after_commit

        # Home pages (and their translations) are site roots.
        for signal in (post_save, post_delete):
            signal.connect(
                clear_root_paths_after_commit,
                dispatch_uid=f"cms-root-paths-{signal!r}",
            )

        # Any change a citizen could see retires the unit's cached pages.
        for signal in (
            page_published,
            page_unpublished,
            post_page_move,
            page_slug_changed,
        ):
            signal.connect(invalidate_unit_pages, dispatch_uid=f"cms-cache-{signal!r}")
        post_delete.connect(
            invalidate_unit_pages, sender=Page, dispatch_uid="cms-cache-page-delete"
        )
        # A privacy change takes effect at once: no cached copy of a page made
        # private (or of a list showing it) is served afterwards.
        for model_name in (
            # Read by every page through the unit's memo (cms.memo).
            "wagtailcore.Site",
            "wagtailcore.Locale",
            "cms.Category",
            "cms.Person",
            "themes.ThemeSettings",
            "wagtailcore.PageViewRestriction",
            "wagtailcore.CollectionViewRestriction",
        ):
            # A settings row created with its defaults on first view changes
            # nothing a reader sees (see invalidate_unit_pages).
            post_save.connect(
                invalidate_unit_pages,
                sender=model_name,
                dispatch_uid=f"cms-cache-save-{model_name}",
            )
            post_delete.connect(
                invalidate_unit_pages,
                sender=model_name,
                dispatch_uid=f"cms-cache-delete-{model_name}",
            )

        # A new language's home page gets the unit's groups' page permissions,
        # so editors submit and approvers moderate translated pages too.
        from wagtail.models import get_page_models

        from .localize import locale_home_created

        for model in get_page_models():
            post_save.connect(
                locale_home_created,
                sender=model,
                dispatch_uid=f"cms-locale-home-{model._meta.label}",
            )
