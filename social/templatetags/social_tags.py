from django import template

from social.services import share_links

register = template.Library()


@register.inclusion_tag("social/share.html")
def share_buttons(url):
    return {"links": share_links(url)}
