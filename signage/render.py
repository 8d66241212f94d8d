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
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

RENDERER_VERSION = "6"
SYSTEM_FONTS = Path("/usr/share/fonts/truetype/noto")


@dataclass(frozen=True)
class Profile:
    """How a kind of board is drawn.

    LED: black background (unlit LEDs), pure colours only and no
    anti-aliasing (Pillow's fontmode "1"), so a 1-bit or low-greyscale
    controller shows exactly the pixels drawn; bold at sizes read across a
    street, larger for Khmer (its subscripts need the height). LCD: the
    anti-aliased look, body smaller than the title.
    """

    background: dict
    title: dict
    body: tuple
    min_title: int
    min_body: int
    min_khmer: int
    body_ratio: float
    body_bold: bool
    margin: float
    antialias: bool
    max_pages: int


PROFILES = {
    "led": Profile(
        background={"normal": (0, 0, 0), "emergency": (0, 0, 0)},
        title={"normal": (255, 255, 0), "emergency": (255, 255, 0)},
        body=(255, 255, 255),
        min_title=16,
        min_body=16,
        min_khmer=22,
        body_ratio=1.0,
        body_bold=True,
        margin=0.03,
        antialias=False,
        max_pages=8,
    ),
    "lcd": Profile(
        background={"normal": (10, 37, 69), "emergency": (176, 0, 32)},
        title={"normal": (255, 214, 10), "emergency": (255, 255, 255)},
        body=(255, 255, 255),
        min_title=36,
        min_body=28,
        min_khmer=36,
        body_ratio=0.62,
        body_bold=False,
        margin=0.05,
        antialias=True,
        max_pages=8,
    ),
}
# Kept for callers of the LCD look.
BACKGROUND = PROFILES["lcd"].background
TITLE_COLOUR = PROFILES["lcd"].title
BODY_COLOUR = PROFILES["lcd"].body


def profile(kind):
    return PROFILES.get(kind, PROFILES["lcd"])


def background(kind, tone="normal"):
    return profile(kind).background[tone]


def has_khmer(text):
    return any(_is_khmer(ch) for ch in text or "")


def _first(*candidates):
    for candidate in candidates:
        found = sorted(candidate[0].glob(candidate[1])) if candidate[0].exists() else []
        if found:
            return str(found[0])
    return None


@lru_cache(maxsize=1)
def font_files():
    """Fonts shipped with the project first, Debian's fonts-noto-core next."""
    from themes.assets import FONTS_DIR as shipped

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


_NUMBER_GROUP = re.compile(r"^[(+]?\d[\d.,:;)/-]*$")


def _units(paragraph):
    """The words of a paragraph, with a number written in groups ("0299
    3822 111", "1 500 000") kept as one unit: a phone number is not broken
    across lines when it fits one."""
    units = []
    for word in paragraph.split():
        if (
            units
            and _NUMBER_GROUP.match(word)
            and _NUMBER_GROUP.match(units[-1][-1])
            and units[-1][-1][-1].isdigit()
        ):
            units[-1].append(word)
        else:
            units.append([word])
    return units


def wrap(text, bold, size, max_width):
    """Greedy wrap by measured width; None when one cluster cannot fit."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        queue = _units(paragraph)
        while queue:
            unit = queue.pop(0)
            word = " ".join(unit)
            candidate = f"{current} {word}" if current else word
            if _width(candidate, bold, size) <= max_width:
                current = candidate
                continue
            if len(unit) > 1 and _width(word, bold, size) > max_width:
                # A number group wider than a line: its groups go one by one.
                queue[:0] = [[part] for part in unit]
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


def _line_metrics(bold, size):
    ascent = max(_font(s, bold, size).getmetrics()[0] for s in ("latin", "khmer"))
    descent = max(_font(s, bold, size).getmetrics()[1] for s in ("latin", "khmer"))
    return ascent, descent


def _margin(width, height, kind):
    return max(2, round(min(width, height) * profile(kind).margin))


def _minimums(title, body, kind):
    """Smallest legible (title, body) sizes; Khmer needs more height."""
    prof = profile(kind)
    low_t, low_b = prof.min_title, prof.min_body
    if has_khmer(title):
        low_t = max(low_t, prof.min_khmer)
    if has_khmer(body):
        low_b = max(low_b, prof.min_khmer)
    return low_t, low_b


def _body_size(size, title, body, kind):
    prof = profile(kind)
    return max(int(size * prof.body_ratio), _minimums(title, body, kind)[1])


def _place(blocks, margin):
    """[(line, bold, size, baseline, role)] for blocks of (lines, bold, size,
    role); the first block is the title when its role says so."""
    placed, y = [], margin
    for index, (lines, bold, size, role) in enumerate(blocks):
        ascent, descent = _line_metrics(bold, size)
        if index:
            y += max(2, int(size * 0.3))
        for line in lines:
            baseline = y + ascent
            placed.append((line, bold, size, baseline, role))
            y = baseline + descent
    return placed, y


def _layout(title, body, width, height, size, margin, kind="lcd"):
    """Lines and their baselines at a title size, or None if they overflow."""
    box_w = width - 2 * margin
    body_size = _body_size(size, title, body, kind)
    body_bold = profile(kind).body_bold
    title_lines = wrap(title, True, size, box_w) if title else []
    body_lines = wrap(body, body_bold, body_size, box_w) if body else []
    if title_lines is None or body_lines is None:
        return None
    blocks = []
    if title_lines:
        blocks.append((title_lines, True, size, "title"))
    if body_lines:
        blocks.append((body_lines, body_bold, body_size, "body"))
    placed, y = _place(blocks, margin)
    if y > height - margin:
        return None
    return placed


def _ink_box(placed, margin):
    """The union of every glyph's real bounding box, drawn left-aligned."""
    left = top = 10**9
    right = bottom = -(10**9)
    for line, bold, size, baseline, _role in placed:
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


def _inside(placed, width, height, margin):
    if not placed:
        return True
    left, top, right, bottom = _ink_box(placed, margin)
    return (
        left >= margin - 1
        and top >= margin - 1
        and right <= width - margin + 1
        and bottom <= height - margin + 1
    )


def fit(title, body, width, height, kind="lcd"):
    """The largest one-page layout whose ink stays inside the margins, or None."""
    margin = _margin(width, height, kind)
    low = _minimums(title, body, kind)[0]
    high = max(low, height // 3)
    best = None
    while low <= high:
        size = (low + high) // 2
        placed = _layout(title, body, width, height, size, margin, kind)
        if placed is not None and _inside(placed, width, height, margin):
            best = placed
            low = size + 1
            continue
        high = size - 1
    return best


def text_fits(title, body, width, height, kind="led"):
    return fit(title, body, width, height, kind) is not None


def paginate(title, body, width, height, kind="lcd"):
    """Pages of a slide: one page at the largest size that fits, else as many
    pages as needed at the smallest legible size (title on every page while
    it leaves room for body lines). Never cut. None when a single word or
    cluster is wider than the board."""
    one = fit(title, body, width, height, kind)
    if one is not None:
        return [one]
    margin = _margin(width, height, kind)
    box_w, bottom = width - 2 * margin, height - margin
    size_t, size_b = _minimums(title, body, kind)
    body_bold = profile(kind).body_bold
    title_lines = wrap(title, True, size_t, box_w) if title else []
    body_lines = wrap(body, body_bold, size_b, box_w) if body else []
    if title_lines is None or body_lines is None:
        return None

    def lines_that_fit(header, lines):
        """How many of ``lines`` fit under ``header`` on one page."""
        count = 0
        while count < len(lines):
            chunk = (lines[: count + 1], body_bold, size_b, "body")
            blocks = [b for b in (header, chunk) if b]
            placed, y = _place(blocks, margin)
            if y > bottom or not _inside(placed, width, height, margin):
                break
            count += 1
        return count

    pages = []
    # The title pages first if it alone overflows a page.
    remaining_title = list(title_lines)
    while remaining_title:
        count = 0
        while count < len(remaining_title):
            chunk = (remaining_title[: count + 1], True, size_t, "title")
            placed, y = _place([chunk], margin)
            if y > bottom:
                break
            count += 1
        if count == 0:
            return None
        if count < len(remaining_title) or not body_lines:
            chunk = (remaining_title[:count], True, size_t, "title")
            pages.append(_place([chunk], margin)[0])
            remaining_title = remaining_title[count:]
            continue
        break
    header = (remaining_title, True, size_t, "title") if remaining_title else None
    if header and lines_that_fit(header, body_lines) < 2:
        # The title leaves too little room: show it once, then the body.
        pages.append(_place([header], margin)[0])
        header = None
    repeat = header
    rest = list(body_lines)
    while rest:
        count = lines_that_fit(repeat, rest)
        if count == 0:
            if repeat is None:
                return None
            repeat = None
            continue
        blocks = [b for b in (repeat, (rest[:count], body_bold, size_b, "body")) if b]
        pages.append(_place(blocks, margin)[0])
        rest = rest[count:]
    return pages or [[]]


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


def text_pages(title, body, width, height, kind="lcd", tone="normal"):
    """Every page of a text slide as an image (usually one)."""
    top = 0
    band = None
    if tone == "emergency":
        band = _banner(width, height, kind)
        top = band.height
    pages = paginate(title, body, width, height - top, kind)
    if pages is None:  # a word wider than the board: show what can be shown
        pages = paginate(title[:40], "", width, height - top, kind) or [[]]
    images = []
    for placed in pages:
        image = Image.new("RGB", (width, height), background(kind, tone))
        if band is not None:
            image.paste(band, (0, 0))
        _draw(image, placed, _margin(width, height - top, kind), top, kind, tone)
        images.append(image)
    return images


def _draw(image, placed, margin, top, kind, tone):
    prof = profile(kind)
    draw = ImageDraw.Draw(image)
    if not prof.antialias:
        draw.fontmode = "1"
    for line, bold, size, baseline, role in placed:
        x = margin
        colour = prof.title[tone] if role == "title" else prof.body
        for script, part in _runs(line):
            font = _font(script, bold, size)
            draw.text((x, top + baseline), part, font=font, fill=colour, anchor="ls")
            x += font.getlength(part)


def ticker_height(kind, height):
    """The bottom "chữ chạy" zone: one line at the smallest legible size."""
    if kind == "led":
        return max(12, min(20, height // 4))
    return max(40, round(height * 0.09))


def render_ticker(text, height, kind="lcd"):
    """One long strip of the ticker text, ``height`` high, to scroll."""
    prof = profile(kind)
    size = max(8, height - (4 if kind == "led" else round(height * 0.3)))
    ascent, descent = _line_metrics(True, size)
    while size > 8 and ascent + descent > height:
        size -= 1
        ascent, descent = _line_metrics(True, size)
    width = max(1, int(_width(text, True, size)) + 8)
    image = Image.new("RGB", (width, height), (0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not prof.antialias:
        draw.fontmode = "1"
    x, baseline = 4, (height - (ascent + descent)) // 2 + ascent
    for script, part in _runs(text):
        font = _font(script, True, size)
        colour = prof.title["normal"]
        draw.text((x, baseline), part, font=font, fill=colour, anchor="ls")
        x += font.getlength(part)
    return image


def render_text(title, body, width, height, kind="lcd", tone="normal"):
    """The first page of a text slide (see ``text_pages`` for all of them)."""
    return text_pages(title, body, width, height, kind, tone)[0]


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


def png_bytes(image, kind="lcd"):
    """PNG bytes; LED pictures are stored as a small exact palette (every
    colour in them is a pure one, nothing to dither)."""
    if kind == "led" and image.mode == "RGB":
        colours = image.getcolors(256)
        if colours is not None:
            image = image.quantize(
                colors=len(colours), method=Image.Quantize.FASTOCTREE, dither=0
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def render_pages(spec):
    """Every page of a slide described by a dict (title, body, picture...)."""
    width, height = spec["width"], spec["height"]
    tone = spec.get("tone", "normal")
    if spec.get("picture"):
        return [render_picture(spec["picture"], width, height, tone)]
    return text_pages(
        spec.get("title", ""),
        spec.get("body", ""),
        width,
        height,
        spec.get("board_kind", "lcd"),
        tone,
    )


def render_spec(spec):
    """The first page of a slide (see ``render_pages``)."""
    return render_pages(spec)[0]
