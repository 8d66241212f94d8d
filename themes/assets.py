"""Where the themes' own files live. themes owns the public sites' chrome:
templates (``themes/templates``: ``base.html``, the error pages, the
statements), palettes and layout (``themes/static/css/site.css``, the
``[data-theme=…]`` blocks ``ThemeSettings.theme`` names), fonts
(``themes/static/fonts``, ``css/fonts.css``), the default emblem and the
chrome's script. App static files keep their URLs (``/static/css/site.css``).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
FONTS_DIR = ROOT / "static" / "fonts"
# The default emblem (img/emblem.svg) and its PNG for Pillow (pwa/icons.py),
# rendered from the SVG by scripts/build_emblem_png.py.
DEFAULT_EMBLEM_SVG = ROOT / "static" / "img" / "emblem.svg"
DEFAULT_EMBLEM_PNG = ROOT / "static" / "img" / "emblem.png"
