"""Vietnamese number formats for the reports pages (1.234,5 %)."""

from django import template

from reports import services

register = template.Library()


@register.filter
def vn_number(value):
    if value is None or value == "":
        return "—"
    number = float(value)
    text = f"{number:,.1f}" if number != int(number) else f"{int(number):,}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


@register.filter
def vn_figure(value, percent=False):
    if value is None or value == "":
        return "—"
    text = vn_number(value)
    return f"{text} %" if percent else text


@register.filter
def status_class(status):
    return {
        services.MET: "rp-met",
        services.MISSED: "rp-missed",
        services.BEHIND: "rp-behind",
    }.get(status, "rp-muted")


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def field_named(form, name):
    return form[name]
