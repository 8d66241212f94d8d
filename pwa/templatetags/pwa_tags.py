"""The app's lines in every public page's <head> (base.html)."""

from django import template

from ..manifest import manifest_url, theme_colour

register = template.Library()


@register.inclusion_tag("pwa/head.html", takes_context=True)
def pwa_head(context, theme=None):
    unit = context.get("current_unit")
    language = context.get("LANG") or "vi"
    if language != "vi" and language not in (getattr(unit, "languages", None) or []):
        language = "vi"
    return {
        "on_unit": unit is not None and getattr(unit, "schema_name", "") != "public",
        "manifest_url": manifest_url(language),
        "theme_colour": theme_colour(theme),
    }
