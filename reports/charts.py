"""Charts drawn on the server: inline SVG for the dashboard (nothing loaded
from outside, readable without JavaScript) and PNG (Pillow) for the DOCX.

Both take the same series, so the picture in the report is the dashboard's.
"""

import io
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import mark_safe

BLUE, RED, GREEN, GREY = "#1f5fa8", "#b00020", "#2e7d32", "#9e9e9e"
BAR_H, GAP, LABEL_W, BAR_W = 20, 8, 230, 320


def _fmt(value, percent):
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %" if percent else text


def _short(label, limit):
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(bars, *, title, percent=True, target=None, scale=None, label_w=LABEL_W):
    """bars: [(label, value or None, href or None)] → SVG with a target line.

    Bars under the target are red, the others blue; each bar has its value
    written beside it and a <title> for screen readers."""
    values = [v for _, v, _ in bars if v is not None]
    top = scale or (100 if percent else max([*values, target or 0, 1]))
    height = len(bars) * (BAR_H + GAP) + GAP + 18
    width = label_w + BAR_W + 80
    limit = label_w // 7
    out = [
        f'<svg class="rp-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value, href) in enumerate(bars):
        y = GAP + i * (BAR_H + GAP)
        w = 0 if value is None else round(BAR_W * min(value, top) / top, 1)
        below = target is not None and value is not None and value < target
        colour = GREY if value is None else (RED if below else BLUE)
        text = escape(_short(label, limit))
        label_svg = (
            f'<text x="{label_w - 6}" y="{y + BAR_H - 5}" text-anchor="end" '
            f'font-size="13">{text}</text>'
        )
        if href:
            label_svg = f'<a href="{escape(href)}">{label_svg}</a>'
        out.append(
            label_svg + f'<rect x="{label_w}" y="{y}" width="{w}" height="{BAR_H}" '
            f'fill="{colour}"><title>{escape(str(label))}: '
            f"{_fmt(value, percent)}</title></rect>"
            f'<text x="{label_w + w + 6}" y="{y + BAR_H - 5}" font-size="13">'
            f"{_fmt(value, percent)}</text>"
        )
    if target is not None:
        x = label_w + round(BAR_W * min(target, top) / top, 1)
        bottom = height - 16
        out.append(
            f'<line x1="{x}" y1="2" x2="{x}" y2="{bottom}" stroke="{GREEN}" '
            f'stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{x}" y="{height - 3}" text-anchor="middle" font-size="12" '
            f'fill="{GREEN}">Mục tiêu {_fmt(target, percent)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def line_chart(points, *, title, band=None, percent=True):
    """points: [(year, value)] → SVG line; band=(low, high) shades the plan's
    yearly range (15–25 % of stations a year)."""
    width, height, left, bottom, top_pad = 520, 220, 44, 30, 14
    plot_w, plot_h = width - left - 16, height - bottom - top_pad
    top = 100 if percent else max([v for _, v in points] + [1])
    n = max(len(points) - 1, 1)

    def xy(i, v):
        return left + plot_w * i / n, top_pad + plot_h * (1 - min(v, top) / top)

    out = [
        f'<svg class="rp-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100) if percent else (0, top):
        _, y = xy(0, tick)
        out.append(
            f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" '
            f'stroke="#e0e0e0"/><text x="{left - 6}" y="{y + 4}" '
            f'text-anchor="end" font-size="11">{tick}</text>'
        )
    if band:
        _, y_hi = xy(0, band[1])
        _, y_lo = xy(0, band[0])
        out.append(
            f'<rect x="{left}" y="{y_hi}" width="{plot_w}" height="{y_lo - y_hi}" '
            f'fill="{GREEN}" fill-opacity="0.15"><title>Kế hoạch mỗi năm '
            f"{_fmt(band[0], True)}–{_fmt(band[1], True)}</title></rect>"
        )
    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{BLUE}" '
            f'stroke-width="2.5"/>'
        )
    for (year, value), (x, y) in zip(points, coords, strict=True):
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BLUE}"><title>{year}: '
            f"{_fmt(value, percent)}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" '
            f'font-size="11">{_fmt(value, percent)}</text>'
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" '
            f'font-size="12">{year}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


# --- PNG for the DOCX --------------------------------------------------------------


def _font(size, bold=False):
    """Noto Sans from fonts-noto-core (scripts/system_packages.sh, also used by
    signage's slide images): full Vietnamese; DejaVu, then Pillow's default."""
    from PIL import ImageFont

    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    for candidate in (
        Path("/usr/share/fonts/truetype/noto") / name,
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ):
        if candidate.exists():
            return ImageFont.truetype(str(candidate), size)
    return ImageFont.load_default(size)


def bar_chart_png(bars, *, title, percent=True, target=None):
    """The same bars as ``bar_chart``, as PNG bytes (2x for print)."""
    from PIL import Image, ImageDraw

    k = 2
    bar_h, gap, label_w, bar_w = 20 * k, 8 * k, 260 * k, 320 * k
    width = label_w + bar_w + 90 * k
    height = 34 * k + len(bars) * (bar_h + gap) + 26 * k
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font(13 * k), _font(15 * k, bold=True)
    draw.text((8 * k, 6 * k), title[:90], fill="black", font=bold)
    values = [v for _, v, _ in bars if v is not None]
    top = 100 if percent else max([*values, target or 0, 1])
    y0 = 34 * k
    for i, (label, value, _) in enumerate(bars):
        y = y0 + i * (bar_h + gap)
        w = 0 if value is None else int(bar_w * min(value, top) / top)
        below = target is not None and value is not None and value < target
        colour = GREY if value is None else (RED if below else BLUE)
        text = str(label)[:38]
        tw = draw.textlength(text, font=font)
        draw.text((label_w - 8 * k - tw, y + 2 * k), text, fill="black", font=font)
        if w:
            draw.rectangle([label_w, y, label_w + w, y + bar_h], fill=colour)
        draw.text(
            (label_w + w + 6 * k, y + 2 * k),
            _fmt(value, percent),
            fill="black",
            font=font,
        )
    if target is not None:
        x = label_w + int(bar_w * min(target, top) / top)
        bottom = y0 + len(bars) * (bar_h + gap)
        for y in range(y0 - 4 * k, bottom, 8 * k):
            draw.line([(x, y), (x, min(y + 5 * k, bottom))], fill=GREEN, width=2 * k)
        label = f"Mục tiêu {_fmt(target, percent)}"
        tw = draw.textlength(label, font=font)
        draw.text((x - tw / 2, bottom + 4 * k), label, fill=GREEN, font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
