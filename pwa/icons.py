"""The app's icons, drawn with Pillow from the unit's emblem (ThemeSettings
logo) on its theme colour, or from the national-style emblem every site
shows when it has none (themes/static/img/emblem.svg, drawn again here: Pillow does
not read SVG).

"any" icons fill the square with the emblem; "maskable" ones keep it inside
the central 80 % circle the launchers may crop to (W3C manifest, safe zone).
"""

import io
import math

from PIL import Image, ImageDraw

SIZES = (192, 512)
YELLOW, RED = "#f2c200", "#c8102e"


def _star(cx, cy, outer, inner):
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def default_emblem(size):
    """The emblem.svg design (yellow ring, red disc, yellow star), RGBA."""
    scale = 4  # drawn large and reduced: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = big / 64
    draw.ellipse([2 * unit, 2 * unit, 62 * unit, 62 * unit], fill=YELLOW)
    draw.ellipse([7 * unit, 7 * unit, 57 * unit, 57 * unit], fill=RED)
    draw.polygon(_star(32 * unit, 33.5 * unit, 21.5 * unit, 8.3 * unit), fill=YELLOW)
    return image.resize((size, size), Image.LANCZOS)


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
