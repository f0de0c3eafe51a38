"""Normalization is the one place where documents and queries become comparable."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.normalize import fold, match_form, normalize_text, unify_i_y, unify_tone_marks


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoá", "hóa"),
        ("Xã hội hoá", "Xã hội hóa"),
        ("uỷ ban", "ủy ban"),
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("khoẻ", "khỏe"),
        ("thuỷ lợi", "thủy lợi"),
        ("hoà bình", "hòa bình"),
        ("Văn hoá - Thể thao", "Văn hóa - Thể thao"),
    ],
)
def test_old_tone_style_matches_new(old: str, new: str) -> None:
    assert unify_tone_marks(old) == new
    assert match_form(old) == match_form(new)


@pytest.mark.parametrize("word", ["quý", "hoàng", "toán", "khuyến", "huỳnh", "quá", "hóa", "thủy"])
def test_syllables_that_must_not_change(word: str) -> None:
    assert unify_tone_marks(word) == word


def test_fold_removes_marks_and_d_stroke() -> None:
    assert fold("Sở Lao động - Thương binh và Xã hội") == "so lao dong - thuong binh va xa hoi"
    assert fold("ĐỒNG Đăng") == "dong dang"
    assert fold("ở y") == "o y"


def test_fold_is_identical_for_both_tone_styles() -> None:
    assert fold("hoá") == fold("hóa") == "hoa"


def test_normalize_text_nfc_whitespace_and_controls() -> None:
    decomposed = unicodedata.normalize("NFD", "Kế hoạch  số\u00a046\r\n\r\n\r\n\r\nTrang\x0c2\u200b")
    text = normalize_text(decomposed)
    assert text == "Kế hoạch số 46\n\nTrang\n2"
    assert unicodedata.is_normalized("NFC", text)


def test_normalize_text_keeps_words() -> None:
    line = "Sở Văn hoá - Thể thao và Du lịch chủ trì, phối hợp với UBND cấp huyện."
    assert normalize_text(line) == line


@given(st.text(max_size=300))
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once


@given(st.text(alphabet="aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐhoáàảãạuỷýqxk ,.-", max_size=80))
def test_matching_keys_are_stable(raw: str) -> None:
    assert match_form(match_form(raw)) == match_form(raw)
    assert fold(fold(raw)) == fold(raw)
    assert fold(match_form(raw)) == fold(raw)


@pytest.mark.parametrize(
    ("y_form", "i_form"),
    [("kỹ", "kĩ"), ("lý", "lí"), ("quy", "qui"), ("quý", "quí"), ("tỷ", "tỉ"), ("mỹ", "mĩ"), ("hy", "hi")],
)
def test_i_and_y_spellings_share_a_key(y_form: str, i_form: str) -> None:
    assert unify_i_y(y_form) == unify_i_y(i_form) == i_form


@pytest.mark.parametrize("word", ["y", "ý", "thủy", "quyền", "khuya", "tuy", "nghị", "gì", "ai", "yêu"])
def test_other_i_and_y_are_left_alone(word: str) -> None:
    assert unify_i_y(word) == word
