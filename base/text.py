"""Text helpers shared by every app."""

from anyascii import anyascii
from django.utils.text import slugify


def vietnamese_slug(text, *, max_length=None, fallback=""):
    """An ASCII URL slug that keeps every letter: diacritics go, đ becomes d.

    "Đường làng" -> "duong-lang"; "Thông báo số 15/QĐ-UBND" ->
    "thong-bao-so-15qd-ubnd". Django's ``slugify`` alone drops "đ" (it has no
    ASCII decomposition), so the text goes through anyascii first.
    ``max_length`` cuts without leaving a trailing dash; an empty result
    gives ``fallback``.
    """
    slug = slugify(anyascii(text or ""))
    if max_length is not None:
        slug = slug[:max_length]
    return slug.strip("-") or fallback
