"""The app's icons, drawn with Pillow from the unit's emblem (ThemeSettings
logo) on its theme colour, or from the national-style emblem every site
shows when it has none (themes/static/img/emblem.svg; Pillow does not read
SVG, so it starts from emblem.png beside it, the SVG rendered by
scripts/build_emblem_png.py).

"any" icons fill the square with the emblem; "maskable" ones keep it inside
the central 80 % circle the launchers may crop to (W3C manifest, safe zone).
"""

import functools
import hashlib
import io

from PIL import Image

from themes.assets import DEFAULT_EMBLEM_PNG

SIZES = (192, 512)


@functools.cache
def _default_emblem_source():
    with Image.open(DEFAULT_EMBLEM_PNG) as source:
        return source.convert("RGBA")


@functools.cache
def default_version():
    """Changes with the default emblem: icon caches and URLs follow it."""
    return hashlib.sha256(DEFAULT_EMBLEM_PNG.read_bytes()).hexdigest()[:8]


def default_emblem(size):
    """The default emblem, ``size`` pixels square, RGBA."""
    return _default_emblem_source().resize((size, size), Image.LANCZOS)


def _logo(logo_file, size):
    with Image.open(logo_file) as source:
        source.load()
        logo = source.convert("RGBA")
    logo.thumbnail((size, size), Image.LANCZOS)
    return logo


def render(size, *, background, maskable=False, logo_file=None):
    """PNG bytes of a ``size``-pixel square icon."""
    canvas = Image.new("RGBA", (size, size), background)
    # Maskable: the emblem within the 80 % safe circle; any: a small margin.
    inner = int(size * (0.62 if maskable else 0.84))
    emblem = None
    if logo_file is not None:
        try:
            emblem = _logo(logo_file, inner)
        except (OSError, ValueError):
            emblem = None  # an unreadable upload: the default emblem
    if emblem is None:
        emblem = default_emblem(inner)
    offset = ((size - emblem.width) // 2, (size - emblem.height) // 2)
    canvas.alpha_composite(emblem, offset)
    out = io.BytesIO()
    canvas.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()
