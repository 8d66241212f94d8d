"""A unit's identity on its public site: its name as a portal, the agency
behind it and its contacts (the footer Nghị định 42/2022 requires).

``ThemeSettings`` fields win; empty ones fall back to the unit's data.
NĐ 42/2022 reserves "Cổng thông tin điện tử" for the province (and the
district in the three-level structure); a commune has a "Trang thông tin
điện tử".
"""

from django.utils.translation import gettext as _

PORTAL_KINDS = ("province", "district")


def is_portal(unit):
    return getattr(unit, "kind", None) in PORTAL_KINDS


def site_label(unit):
    if is_portal(unit):
        return _("Cổng thông tin điện tử")
    return _("Trang thông tin điện tử")


def unit_identity(unit, theme=None):
    if unit is None or getattr(unit, "schema_name", "public") == "public":
        return None
    name = unit.name_with_type or unit.name

    def field(attr):
        return (getattr(theme, attr, "") or "").strip() if theme else ""

    label = site_label(unit)
    return {
        "name": name,
        "is_portal": is_portal(unit),
        "label": label,
        # "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH SÓC TRĂNG"
        "banner": f"{label} {name}".upper(),
        # A proper name: Vietnamese whatever the page's language.
        "owner_agency": field("owner_agency") or f"Ủy ban nhân dân {name}",
        "responsible_person": field("responsible_person"),
        "address": field("address"),
        "phone": field("phone"),
        "hotline": field("hotline"),
        "email": field("email"),
        "office_hours": field("office_hours"),
        "licence": field("licence"),
        "map_url": field("map_url"),
        "parent": unit.parent.name_with_type if unit.parent_id else "",
    }
