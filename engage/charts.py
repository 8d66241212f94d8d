"""Survey results as inline SVG bar charts, drawn on the server (nothing is
loaded from outside; readable without JavaScript)."""

from collections import Counter

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .choices import QuestionKind

BAR_H, GAP, LABEL_W, BAR_W = 22, 8, 220, 300


def bar_chart(rows, title):
    """rows: [(label, count)] -> an accessible SVG (role=img, text values)."""
    total = sum(c for _, c in rows) or 1
    height = len(rows) * (BAR_H + GAP) + GAP
    width = LABEL_W + BAR_W + 90
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, count) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        w = round(BAR_W * count / total, 1)
        pct = round(100 * count / total)
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + BAR_H - 6}" text-anchor="end" '
            f'font-size="13">{escape(str(label)[:34])}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" '
            f'fill="#1f5fa8"><title>{escape(str(label))}: {count}</title></rect>'
            f'<text x="{LABEL_W + w + 6}" y="{y + BAR_H - 6}" font-size="13">'
            f"{count} ({pct}%)</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def survey_results(survey):
    """[(question, svg or None, texts)] for the results page."""
    out = []
    for q in survey.questions.all():
        answers = q.answers.all()
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            counts = Counter(c for a in answers for c in (a.choices or []))
            rows = [(c, counts.get(c, 0)) for c in q.choice_list()]
            out.append((q, bar_chart(rows, q.text), []))
        elif q.kind == QuestionKind.SCALE:
            counts = Counter(a.scale for a in answers if a.scale)
            rows = [(f"{i} điểm", counts.get(i, 0)) for i in range(1, 6)]
            out.append((q, bar_chart(rows, q.text), []))
        else:
            out.append((q, None, [a.text for a in answers if a.text][:50]))
    return out
