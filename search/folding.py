"""Vietnamese folding: the form of a text every search compares.

Citizens often type without diacritics (``thong tin co so`` for
``thông tin cơ sở``, ``dak lak`` for ``Đắk Lắk``). PostgreSQL's ``unaccent``
is a contrib extension that a managed server may lack, and it does not fold
``đ`` anyway, so folding happens here, in Python, before text reaches any
backend.
"""

import re
import unicodedata

_DD = {"đ": "d", "Đ": "D"}
# OCR output carries control and private-use characters; they would only
# break tokenisation, never help a match.
_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff\ufffd]")
_WORD = re.compile(r"\w+", re.UNICODE)


def clean(text):
    """NFC-normalised text without control characters (safe to index)."""
    if not text:
        return ""
    return _JUNK.sub(" ", unicodedata.normalize("NFC", str(text)))


def fold_char(char):
    if char in _DD:
        return _DD[char]
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _FoldTable(dict):
    """``fold_char`` of every character met so far, for ``str.translate``
    (C speed: a 200,000-character body folds in milliseconds, not a fifth
    of a second); a character not seen yet is folded once, then kept."""

    def __missing__(self, code):
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text):
    """Lower-case text without diacritics: ``Đắk Lắk`` -> ``dak lak``."""
    return clean(text).translate(_FOLD_TABLE).lower()


def fold_with_offsets(text):
    """The folded text and, for each folded character, its index in ``text``.

    ``text`` must already be ``clean()``; used to highlight matches of a
    folded query inside the original text.
    """
    folded = text.translate(_FOLD_TABLE).lower()
    if len(folded) == len(text):  # every character folded to one: Vietnamese
        return folded, range(len(text))
    out, offsets = [], []
    for index, char in enumerate(text):
        for folded in fold_char(char).lower():
            out.append(folded)
            offsets.append(index)
    return "".join(out), offsets


# "/" and "-" inside a word: document numbers (15/QĐ-UBND) and compound
# names (Rịa-Vũng). PostgreSQL's parser keeps "15/qd-ubnd" as one token, so
# "15/qd" or "qd-ubnd 15" could never find it; index and query both read
# such joins as spaces.
_JOIN = re.compile(r"(?<=\w)[/-](?=\w)")


def split_codes(folded):
    """``15/qd-ubnd`` -> ``15 qd ubnd`` (same length: offsets still hold)."""
    return _JOIN.sub(" ", folded)


def fold_for_search(text):
    """What the full-text index stores and matches: ``fold`` with codes split."""
    return split_codes(fold(text))


def words(text):
    """Folded words of a text (used for prefix queries and highlighting)."""
    return _WORD.findall(fold(text))


def has_diacritics(text):
    return fold(text) != clean(text).lower()
