"""Folding through the translate table gives what folding character by
character gives, and highlighting maps matches back to the text as written
(also where a character folds to several)."""

from pathlib import Path

from django.conf import settings

from search.backends.base import highlight
from search.folding import clean, fold, fold_char, fold_with_offsets


def per_char(text):
    return "".join(fold_char(c) for c in clean(text)).lower()


def corpus_text():
    folder = Path(settings.SHARED_DIR) / "corpus"
    return " ".join(
        p.read_text(errors="replace") for p in sorted(folder.glob("*")) if p.is_file()
    )


def test_fold_is_the_per_character_fold_on_the_corpus_and_odd_input():
    for text in [
        corpus_text(),
        "ĐẮK LẮK đắk lắk",
        "Tho\u0302ng tin co\u031b so\u031b\u0309",  # decomposed (NFD), as OCR writes it
        "ប្រទេសកម្ពុជា",
        "한국어 và tiếng Việt",
        "\x00tin\ufffd tức\x07",
    ]:
        assert fold(text) == per_char(text)
    assert fold("Đắk Lắk") == "dak lak"


def test_offsets_point_into_the_text_as_written():
    for text in ["Thông tin cơ sở xã Đảo", "한국 thông tin 한국"]:
        text = clean(text)
        folded, offsets = fold_with_offsets(text)
        start = folded.index("thong tin")
        end = start + len("thong tin") - 1
        assert text[offsets[start] : offsets[end] + 1].lower() == "thông tin"


def test_highlight_marks_the_words_as_written():
    assert "<mark>Đắk</mark> <mark>Lắk</mark>" in highlight(
        "Đoàn công tác tỉnh Đắk Lắk thăm xã", "dak lak"
    )
    assert "<mark>thông</mark>" in highlight("한국 thông tin", "thong")
