"""Slides as PNG images at a board's exact resolution (Pillow + libraqm).

LED controllers can only show images, so every slide is also drawn here.
Text is shaped by libraqm (Khmer needs it), wrapped by measured width, and
the largest size whose *ink* (not just the font's nominal line box) stays
inside the margins is chosen, so stacked Vietnamese diacritics (Ễ, Ẫ, Ỗ) and
Khmer subscripts are never clipped. Khmer characters are drawn with the Khmer
font and everything else with the Latin/Vietnamese one, run by run.

Results are cached on disk by a hash of everything that affects the pixels.
"""

import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont, ImageOps

RENDERER_VERSION = "5"
SYSTEM_FONTS = Path("/usr/share/fonts/truetype/noto")

BACKGROUND = {"normal": (10, 37, 69), "emergency": (176, 0, 32)}
TITLE_COLOUR = {"normal": (255, 214, 10), "emergency": (255, 255, 255)}
BODY_COLOUR = (255, 255, 255)
# Below this many pixels a line is unreadable on a board.
MIN_SIZE = {"led": 11, "lcd": 18}
MIN_BODY_SIZE = {"led": 10, "lcd": 16}


def _first(*candidates):
    for candidate in candidates:
        found = sorted(candidate[0].glob(candidate[1])) if candidate[0].exists() else []
        if found:
            return str(found[0])
    return None


@lru_cache(maxsize=1)
def font_files():
    """Fonts shipped with the project first, Debian's fonts-noto-core next."""
    shipped = Path(settings.BASE_DIR) / "static" / "fonts"
    latin_regular = _first(
        (shipped, "**/BeVietnamPro-Regular.ttf"),
        (SYSTEM_FONTS, "NotoSans-Regular.ttf"),
    )
    latin_bold = _first(
        (shipped, "**/BeVietnamPro-Bold.ttf"),
        (SYSTEM_FONTS, "NotoSans-Bold.ttf"),
    )
    khmer_regular = _first(
        (shipped, "**/NotoSansKhmer-Regular.ttf"),
        (shipped, "**/NotoSansKhmer*.ttf"),
        (SYSTEM_FONTS, "NotoSansKhmer-Regular.ttf"),
    )
    khmer_bold = _first(
        (shipped, "**/NotoSansKhmer-Bold.ttf"),
        (SYSTEM_FONTS, "NotoSansKhmer-Bold.ttf"),
    )
    return {
        ("latin", False): latin_regular,
        ("latin", True): latin_bold or latin_regular,
        ("khmer", False): khmer_regular or latin_regular,
        ("khmer", True): khmer_bold or khmer_regular or latin_bold,
    }


@lru_cache(maxsize=512)
def _font(script, bold, size):
    return ImageFont.truetype(
        font_files()[(script, bold)], size, layout_engine=ImageFont.Layout.RAQM
    )


def _is_khmer(char):
    return "\u1780" <= char <= "\u17ff" or "\u19e0" <= char <= "\u19ff"


def _runs(text):
    """Split text into (script, substring) runs; spaces join the current run."""
    runs = []
    for char in text:
        script = "khmer" if _is_khmer(char) else "latin"
        if runs and (char.isspace() or runs[-1][0] == script):
            runs[-1][1].append(char)
        else:
            runs.append((script, [char]))
    return [(script, "".join(chars)) for script, chars in runs]


def _width(text, bold, size):
    return sum(_font(s, bold, size).getlength(part) for s, part in _runs(text))


def _break_points(word):
    """Where a word without spaces (Khmer) may be cut: not before a mark or
    after a coeng (U+17D2), which would tear a consonant cluster apart."""
    points = []
    for i in range(1, len(word)):
        if unicodedata.category(word[i]).startswith("M") or word[i - 1] == "\u17d2":
            continue
        if word[i] == "\u17d2":
            continue
        points.append(i)
    return points


def _split_long(word, bold, size, max_width):
    pieces, start = [], 0
    points = _break_points(word) + [len(word)]
    last_ok = None
    for point in points:
        if _width(word[start:point], bold, size) <= max_width:
            last_ok = point
            continue
        if last_ok is None or last_ok <= start:
            return None  # a single cluster is wider than the board
        pieces.append(word[start:last_ok])
        start = last_ok
        last_ok = point if _width(word[start:point], bold, size) <= max_width else None
        if last_ok is None:
            return None
    pieces.append(word[start:])
    return pieces


def wrap(text, bold, size, max_width):
    """Greedy wrap by measured width; None when one cluster cannot fit."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if _width(candidate, bold, size) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            if _width(word, bold, size) <= max_width:
                current = word
            else:
                pieces = _split_long(word, bold, size, max_width)
                if pieces is None:
                    return None
                lines.extend(pieces[:-1])
                current = pieces[-1]
        if current:
            lines.append(current)
    return lines


@dataclass
class Block:
    lines: list
    bold: bool
    size: int
    colour: tuple


def _line_metrics(bold, size):
    ascent = max(_font(s, bold, size).getmetrics()[0] for s in ("latin", "khmer"))
    descent = max(_font(s, bold, size).getmetrics()[1] for s in ("latin", "khmer"))
    return ascent, descent


def _layout(title, body, width, height, size, margin, kind="lcd"):
    """Lines and their baselines at a title size, or None if they overflow."""
    box_w = width - 2 * margin
    body_size = max(int(size * 0.62), MIN_BODY_SIZE.get(kind, 10))
    blocks = []
    title_lines = wrap(title, True, size, box_w) if title else []
    body_lines = wrap(body, False, body_size, box_w) if body else []
    if title_lines is None or body_lines is None:
        return None
    if title_lines:
        blocks.append(Block(title_lines, True, size, None))
    if body_lines:
        blocks.append(Block(body_lines, False, body_size, None))
    placed, y = [], margin
    for index, block in enumerate(blocks):
        ascent, descent = _line_metrics(block.bold, block.size)
        if index:
            y += int(block.size * 0.5)
        for line in block.lines:
            baseline = y + ascent
            placed.append((line, block.bold, block.size, baseline))
            y = baseline + descent
    if y > height - margin:
        return None
    return placed


def _ink_box(placed, margin):
    """The union of every glyph's real bounding box, drawn left-aligned."""
    left = top = 10**9
    right = bottom = -(10**9)
    for line, bold, size, baseline in placed:
        x = margin
        for script, part in _runs(line):
            font = _font(script, bold, size)
            box = font.getbbox(part, anchor="ls")
            if box[2] > box[0]:
                left = min(left, x + box[0])
                right = max(right, x + box[2])
                top = min(top, baseline + box[1])
                bottom = max(bottom, baseline + box[3])
            x += font.getlength(part)
    return left, top, right, bottom


def fit(title, body, width, height, kind="lcd"):
    """The largest layout whose ink stays inside the margins, or None."""
    margin = max(3, round(min(width, height) * 0.05))
    low, high = MIN_SIZE.get(kind, 11), max(MIN_SIZE.get(kind, 11), height // 3)
    best = None
    while low <= high:
        size = (low + high) // 2
        placed = _layout(title, body, width, height, size, margin, kind)
        if placed is not None:
            left, top, right, bottom = _ink_box(placed, margin)
            inside = (
                left >= margin - 1
                and top >= margin
                and right <= width - margin
                and bottom <= height - margin
            )
            if inside:
                best = placed
                low = size + 1
                continue
        high = size - 1
    return best


def text_fits(title, body, width, height, kind="led"):
    return fit(title, body, width, height, kind) is not None


def _truncate_to_fit(title, body, width, height, kind):
    """Auto content may be longer than a small board: shorten the body."""
    placed = fit(title, body, width, height, kind)
    if placed is not None:
        return placed
    words = body.split()
    while words:
        words = words[: max(len(words) * 3 // 4, len(words) - 8, 0)]
        placed = fit(title, " ".join(words) + " …", width, height, kind)
        if placed is not None:
            return placed
        if len(words) <= 1:
            break
    placed = fit(title, "", width, height, kind)
    if placed is not None:
        return placed
    # A title alone too long: keep as many words as fit.
    words = title.split()
    while len(words) > 1:
        words = words[:-1]
        placed = fit(" ".join(words) + " …", "", width, height, kind)
        if placed is not None:
            return placed
    return []


EMERGENCY_LABEL = "KHẨN CẤP"


def _banner(width, height, kind):
    """The "KHẨN CẤP" band on top of every emergency slide (LED and LCD)."""
    band = max(16, round(height * (0.24 if kind == "led" else 0.14)))
    image = Image.new("RGB", (width, band), (255, 0, 0))
    draw = ImageDraw.Draw(image)
    if kind == "led":
        draw.fontmode = "1"
    size = band
    while size > 8:
        font = _font("latin", True, size)
        box = font.getbbox(EMERGENCY_LABEL, anchor="ls")
        if box[2] - box[0] <= width * 0.9 and box[3] - box[1] <= band * 0.8:
            break
        size -= 1
    box = font.getbbox(EMERGENCY_LABEL, anchor="ls")
    x = (width - (box[2] - box[0])) // 2 - box[0]
    y = (band - (box[3] - box[1])) // 2 - box[1]
    draw.text((x, y), EMERGENCY_LABEL, font=font, fill=(255, 255, 255), anchor="ls")
    return image


def render_text(title, body, width, height, kind="lcd", tone="normal"):
    if tone == "emergency":
        band = _banner(width, height, kind)
        image = Image.new("RGB", (width, height), BACKGROUND[tone])
        image.paste(band, (0, 0))
        rest = _render_text(title, body, width, height - band.height, kind, tone)
        image.paste(rest, (0, band.height))
        return image
    return _render_text(title, body, width, height, kind, tone)


def _render_text(title, body, width, height, kind="lcd", tone="normal"):
    placed = _truncate_to_fit(title, body, width, height, kind)
    image = Image.new("RGB", (width, height), BACKGROUND[tone])
    draw = ImageDraw.Draw(image)
    margin = max(3, round(min(width, height) * 0.05))
    for line, bold, size, baseline in placed:
        x = margin
        colour = TITLE_COLOUR[tone] if bold else BODY_COLOUR
        for script, part in _runs(line):
            font = _font(script, bold, size)
            draw.text((x, baseline), part, font=font, fill=colour, anchor="ls")
            x += font.getlength(part)
    return image


def render_picture(path, width, height, tone="normal"):
    with Image.open(path) as source:
        source = ImageOps.exif_transpose(source).convert("RGB")
        fitted = ImageOps.contain(source, (width, height))
    image = Image.new("RGB", (width, height), (0, 0, 0))
    image.paste(fitted, ((width - fitted.width) // 2, (height - fitted.height) // 2))
    return image


def render_key(spec):
    """Hash of everything that changes the pixels of a slide image."""
    fonts = font_files()
    payload = json.dumps(
        {"v": RENDERER_VERSION, "fonts": sorted(map(str, fonts.values())), **spec},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def png_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def render_spec(spec):
    """Draw a slide described by a dict (kind, title, body, picture path...)."""
    width, height = spec["width"], spec["height"]
    tone = spec.get("tone", "normal")
    if spec.get("picture"):
        return render_picture(spec["picture"], width, height, tone)
    return render_text(
        spec.get("title", ""),
        spec.get("body", ""),
        width,
        height,
        spec.get("board_kind", "lcd"),
        tone,
    )
