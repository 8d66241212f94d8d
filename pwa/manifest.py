"""The web app manifest of a unit's site (W3C Web Application Manifest).

One app per unit host: its id, start URL and scope are the site's root, so
the Vietnamese and the Khmer manifest (``/manifest.km.webmanifest``, for a
unit with Khmer pages) describe the same installed app in two languages.
"""

from django.urls import reverse
from django.utils import translation

from themes.identity import site_label

# The theme palettes' --brand colour (themes/static/css/site.css): the title bar
# and splash screen of the installed app match the site's header.
THEME_COLOURS = {
    "truyen-thong": "#a50e0e",
    "song-nuoc": "#0b4f8a",
    "lua-non": "#1d5e2c",
}
BACKGROUND = "#ffffff"


def theme_colour(theme):
    return THEME_COLOURS.get(getattr(theme, "theme", ""), THEME_COLOURS["truyen-thong"])


KIND_WORDS = (
    *("Thành phố", "Thị trấn", "Thị xã", "Phường"),
    *("Huyện", "Quận", "Tỉnh", "Xã"),
)


def short_name(unit):
    """What fits under an icon: "An Bình" for "Xã An Bình"."""
    name = unit.name or unit.name_with_type
    for word in KIND_WORDS:
        if name.startswith(word + " "):
            name = name[len(word) + 1 :]
            break
    return name if len(name) <= 12 else name[:11] + "…"


def names(unit, language):
    full = unit.name_with_type or unit.name
    with translation.override(language):
        label = site_label(unit)
    return {"name": f"{label} {full}", "short_name": short_name(unit)}


def manifest_url(language):
    return (
        "/manifest.webmanifest"
        if language == "vi"
        else f"/manifest.{language}.webmanifest"
    )


def build(unit, theme, language="vi", icon_version=""):
    """The manifest as a dict."""
    start = "/" if language == "vi" else f"/{language}/"
    version = f"?v={icon_version}" if icon_version else ""
    icons = []
    for size in (192, 512):
        icons.append(
            {
                "src": f"/ung-dung/bieu-trung-{size}.png{version}",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
        )
        icons.append(
            {
                "src": f"/ung-dung/bieu-trung-{size}-maskable.png{version}",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "maskable",
            }
        )
    other = {
        code: names(unit, code) for code in (unit.languages or []) if code != language
    }
    if language != "vi":
        other["vi"] = names(unit, "vi")
    with translation.override(language):
        # What the phone shows about the app, in the manifest's language.
        description = translation.gettext(
            "Tin tức, thông báo và cảnh báo của %(name)s; xem được cả khi mất mạng."
        ) % {"name": unit.name_with_type or unit.name}
        shortcuts = [
            {
                "name": translation.gettext("Theo dõi và cảnh báo"),
                "url": reverse("pwa_app"),
            },
            {
                "name": translation.gettext("Tra cứu câu hỏi, phản ánh"),
                "url": reverse("engage:track"),
            },
        ]
    data = {
        "id": "/",
        **names(unit, language),
        "description": description,
        "lang": language,
        "dir": "ltr",
        "start_url": start,
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": theme_colour(theme),
        "background_color": BACKGROUND,
        "categories": ["government", "news"],
        "icons": icons,
        "shortcuts": shortcuts,
    }
    if other:
        # The manifest "translations" member (W3C Manifest Incubations):
        # browsers that read it show the name in the phone's language.
        data["translations"] = other
    return data
