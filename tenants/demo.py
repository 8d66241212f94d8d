"""Demo content from real Vietnamese public documents (../shared/corpus).

Each plan is cut at its Roman-numeral headings (I. MỤC TIÊU, II. NHIỆM VỤ
...) into articles; the raw files (clean and OCR-mangled alike) become
documents in the unit's library, as communes really upload them.
"""

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings

ROMAN_HEADING = re.compile(r"^(?:[#*\s]*)([IVX]{1,4})\.\s+(.+?)[*\s]*$")
MARKDOWN_NOISE = re.compile(r"[#*_]+")


@dataclass
class CorpusDocument:
    path: Path
    title: str
    clean: bool
    sections: list  # [(heading, [paragraph, ...])]


def corpus_dir():
    return Path(settings.SHARED_DIR) / "corpus"


def _paragraphs(lines):
    """Join hard-wrapped lines into paragraphs (blank lines separate them)."""
    paragraphs, current = [], []
    for raw in lines:
        line = MARKDOWN_NOISE.sub("", raw).strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    # Hard-wrapped text splits sentences over blank lines: glue a paragraph
    # that starts in lower case back onto the previous one.
    merged = []
    for paragraph in paragraphs:
        if merged and paragraph[:1].islower():
            merged[-1] = f"{merged[-1]} {paragraph}"
        else:
            merged.append(paragraph)
    return merged


def _title_of(lines, path):
    text = " ".join(MARKDOWN_NOISE.sub("", line).strip() for line in lines[:40])
    match = re.search(
        r"K[ẾE]\s*HO[ẠA]CH\s+(.{20,220}?)(?:\s{2,}|Căn cứ|Can c|Thực hiện|$)", text
    )
    if match:
        return "Kế hoạch " + " ".join(match.group(1).split()).rstrip(" ;:")
    return path.stem.replace("-", " ").capitalize()


def read_corpus():
    documents = []
    for path in sorted(corpus_dir().glob("ke-hoach-*")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        sections, heading, body = [], None, []
        for line in lines:
            match = ROMAN_HEADING.match(MARKDOWN_NOISE.sub("", line).strip())
            if match and len(line) < 120:
                if heading:
                    sections.append((heading, _paragraphs(body)))
                heading, body = f"{match.group(1)}. {match.group(2).strip()}", []
            elif heading:
                body.append(line)
        if heading:
            sections.append((heading, _paragraphs(body)))
        documents.append(
            CorpusDocument(
                path=path,
                title=_title_of(lines, path),
                clean="-ocr" not in path.stem,
                sections=[(h, p) for h, p in sections if p],
            )
        )
    return documents


def article_html(paragraphs, limit=40):
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs[:limit])


def summary_of(paragraphs, words=45):
    text = " ".join(paragraphs)
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
