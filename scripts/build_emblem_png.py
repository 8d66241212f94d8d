"""Render the default emblem (themes/static/img/emblem.svg) to emblem.png.

Pillow cannot read SVG, and the citizen app's icons (pwa/icons.py) are drawn
with Pillow: they start from this PNG, 512 px with a transparent
background, rendered by Debian's Chromium through Playwright (both already
used by the browser tests). Run after changing the SVG; the PNG is
committed, and tests/browser/test_default_emblem.py checks it still matches:

    .venv/bin/python scripts/build_emblem_png.py
"""

from __future__ import annotations

import base64
import io
import os
import sys
from pathlib import Path

IMG = Path(__file__).resolve().parent.parent / "themes" / "static" / "img"
SVG = IMG / "emblem.svg"
PNG = IMG / "emblem.png"
SIZE = 512


def shoot(page, svg_text: str, size: int = SIZE) -> bytes:
    """PNG bytes of the SVG at ``size`` pixels, transparent around it, from a
    Playwright page (the browser tests pass theirs)."""
    data = base64.b64encode(svg_text.encode()).decode()
    page.set_viewport_size({"width": size, "height": size})
    page.set_content(
        "<html><body style='margin:0;background:transparent'>"
        f"<img id='e' width='{size}' height='{size}' style='display:block' "
        f"src='data:image/svg+xml;base64,{data}'></body></html>"
    )
    page.wait_for_function("document.getElementById('e').complete")
    return page.locator("#e").screenshot(omit_background=True)


def render(svg_text: str, size: int = SIZE) -> bytes:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        try:
            return shoot(browser.new_page(), svg_text, size)
        finally:
            browser.close()


def main() -> int:
    from PIL import Image

    with Image.open(io.BytesIO(render(SVG.read_text(encoding="utf-8")))) as image:
        image.save(PNG, "PNG", optimize=True)
    print(f"{PNG}: {PNG.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
