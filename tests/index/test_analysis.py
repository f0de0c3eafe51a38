"""The Vietnamese analysis chain: syllables, tone styles, folding, numbers, clauses and abbreviations."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.models import Chunk, Document
from corpus.normalize import fold
from index.analysis import (
    ANALYSIS_VERSION,
    Analyzer,
    canonical_key,
    default_analyzer,
    has_diacritics,
    indexable_text,
    is_vietnamese_syllable,
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return default_analyzer()


def test_one_letter_syllables_are_tokens(analyzer: Analyzer) -> None:
    tokens = analyzer.analyze("Phát triển nhà ở, y tế và ý kiến ở địa phương").accented
    assert tokens.count("ở") == 2
    assert "y" in tokens
    assert "ý" in tokens


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("Văn hoá", "Văn hóa"), ("Uỷ ban", "Ủy ban"), ("khoẻ mạnh", "khỏe mạnh"), ("thuỷ lợi", "thủy lợi")],
)
def test_tone_mark_styles_give_the_same_tokens(analyzer: Analyzer, old_style: str, new_style: str) -> None:
    assert analyzer.analyze(old_style) == analyzer.analyze(new_style)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Quy định", "qui định"),
        ("cán bộ kỹ thuật", "cán bộ kĩ thuật"),
        ("tỷ lệ", "tỉ lệ"),
        ("lý do", "lí do"),
    ],
)
def test_i_and_y_spellings_give_the_same_tokens(analyzer: Analyzer, one: str, other: str) -> None:
    assert analyzer.analyze(one) == analyzer.analyze(other)
    assert analyzer.analyze_query(fold(one)) == analyzer.analyze_query(fold(other))


def test_folded_field_drops_marks_and_maps_d_bar(analyzer: Analyzer) -> None:
    analyzed = analyzer.analyze("Đầu tư đường giao thông")
    assert analyzed.accented == ["đầu", "tư", "đường", "giao", "thông"]
    assert analyzed.folded == ["dau", "tu", "duong", "giao", "thong"]


def test_case_is_folded(analyzer: Analyzer) -> None:
    assert analyzer.analyze("SỞ XÂY DỰNG") == analyzer.analyze("Sở Xây dựng")


def test_numbers_keep_their_separators_and_give_parts(analyzer: Analyzer) -> None:
    tokens = analyzer.analyze(
        "6.084 căn hộ; dưới 4%; trước ngày 01/12; đoạn Km18-Km80; Kế hoạch 46/KH-UBND"
    ).accented
    for expected in (
        "6.084",
        "4%",
        "4",
        "01/12",
        "1/12",
        "km18-km80",
        "km18",
        "km80",
        "46/kh-ubnd",
        "46",
        "ubnd",
    ):
        assert expected in tokens, expected
    assert "0,5%" in analyzer.analyze("giảm khoảng 0,5% - 1%").accented


def test_dates_match_with_or_without_leading_zeros(analyzer: Analyzer) -> None:
    assert "1/12" in analyzer.analyze("ngày 1/12").accented
    assert "1/12" in analyzer.analyze("ngày 01/12").accented
    assert "20/3/2024" in analyzer.analyze("ngày 20/03/2024").accented


def test_punctuation_variants_of_an_agency_name_are_identical(analyzer: Analyzer) -> None:
    dashed = analyzer.analyze("Sở Văn hoá - Thể thao và Du lịch")
    commas = analyzer.analyze("Sở Văn hóa, Thể thao và Du lịch")
    assert dashed == commas
    assert "van hoa" in dashed.bigrams and "du lich" in dashed.bigrams


def test_bigrams_stay_inside_a_clause(analyzer: Analyzer) -> None:
    bigrams = analyzer.analyze("nhà ở xã hội; đô thị. Tầng,phát").bigrams
    assert bigrams == ["nha o", "o xa", "xa hoi", "do thi"]


def test_line_breaks_inside_a_sentence_do_not_break_bigrams(analyzer: Analyzer) -> None:
    assert "phuc hoi" in analyzer.analyze("Chương trình phục\nhồi").bigrams


@pytest.mark.parametrize("written", ["Sở LĐTBXH", "Sở LĐ-TB&XH", "so ldtbxh", "Sở LĐ-TBXH"])
def test_abbreviations_keep_their_token_and_append_the_expansion(analyzer: Analyzer, written: str) -> None:
    analyzed = analyzer.analyze(written)
    assert "ldtbxh" in analyzed.folded
    assert Counter(analyzed.folded) >= Counter(["lao", "dong", "thuong", "binh", "va", "xa", "hoi"])
    assert {"lao dong", "thuong binh", "xa hoi"} <= set(analyzed.bigrams)


def test_full_name_and_abbreviation_share_the_expanded_tokens(analyzer: Analyzer) -> None:
    short = set(analyzer.analyze("UBND tỉnh").accented)
    full = set(analyzer.analyze("Ủy ban nhân dân tỉnh").accented)
    assert full <= short


def test_syllable_like_abbreviations_need_capitals(analyzer: Analyzer) -> None:
    assert "công" in analyzer.analyze("CA tỉnh").accented
    assert "công" not in analyzer.analyze("ca sĩ").accented


def test_acronym_compound_expands_each_part(analyzer: Analyzer) -> None:
    tokens = analyzer.analyze("Văn phòng HĐND&UBND huyện").accented
    assert {"hội", "đồng", "ủy", "ban", "nhân", "dân"} <= set(tokens)


def test_unaccented_query_does_not_search_the_accented_field(analyzer: Analyzer) -> None:
    query = analyzer.analyze_query("so nao phu trach nha o xa hoi")
    assert query.accented == []
    assert "nha" in query.folded and "nha o" in query.bigrams


def test_accented_query_searches_both_fields_without_stopwords(analyzer: Analyzer) -> None:
    query = analyzer.analyze_query("Sở nào phụ trách nhà ở xã hội?")
    assert "nhà" in query.accented and "nha" in query.folded
    assert "nào" not in query.accented  # question word: a stopword for the unigram fields
    assert "so nao" in query.bigrams  # but kept inside bigrams
    assert "ở" in query.accented  # meaningful one-letter syllable is not a stopword


def test_query_made_only_of_stopwords_keeps_them(analyzer: Analyzer) -> None:
    assert analyzer.analyze_query("của các").accented == ["của", "các"]


def test_unaccented_query_still_uses_accented_expansions(analyzer: Analyzer) -> None:
    query = analyzer.analyze_query("ubnd cap huyen")
    assert {"ủy", "ban", "nhân", "dân"} <= set(query.accented)


@pytest.mark.parametrize("text", ["", "   ", "?!.,;-–", "\n\n"])
def test_empty_and_punctuation_only_texts_give_no_tokens(analyzer: Analyzer, text: str) -> None:
    analyzed = analyzer.analyze(text)
    assert analyzed.accented == analyzed.folded == analyzed.bigrams == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_analyzes_and_fields_agree(text: str) -> None:
    analyzed = default_analyzer().analyze(text)
    assert len(analyzed.accented) == len(analyzed.folded)
    assert all(token and " " not in token for token in analyzed.accented)
    assert all(
        fold(token) == folded for token, folded in zip(analyzed.accented, analyzed.folded, strict=True)
    )


@pytest.mark.parametrize("word", ["nha", "nghiêng", "khuyến", "quốc", "giữa", "o", "y", "thuyền", "xoong"])
def test_vietnamese_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["department", "housing", "which", "for", "plan", "is", "who", "covid"])
def test_english_words_are_not_vietnamese_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_has_diacritics() -> None:
    assert has_diacritics("đi") and has_diacritics("Ở")
    assert not has_diacritics("nha") and not has_diacritics("KH")


def test_canonical_key_unifies_abbreviations_and_punctuation() -> None:
    key = canonical_key("Sở Lao động, Thương binh và Xã hội")
    assert key == canonical_key("Sở LĐ-TB&XH") == canonical_key("so lao dong - thuong binh va xa hoi")


def test_indexable_text_puts_title_and_heading_path_first() -> None:
    chunk = Chunk(
        chunk_id="d#1",
        doc_id="d",
        title="Kế hoạch phục hồi",
        section="IV. TỔ CHỨC THỰC HIỆN › 1. Sở Xây dựng",
        text="Chủ trì thực hiện.",
        start=0,
        end=18,
    )
    document = Document(doc_id="d", title="KẾ HOẠCH PHỤC HỒI KINH TẾ", source="d.txt")
    text = indexable_text(chunk, document)
    assert text.startswith("KẾ HOẠCH PHỤC HỒI KINH TẾ")
    assert "Sở Xây dựng" in text and text.endswith("Chủ trì thực hiện.")
    assert indexable_text(chunk.section, chunk.text, chunk.title).startswith("Kế hoạch phục hồi")
    # No bigram joins the end of the heading path to the body.
    assert "dung chu" not in default_analyzer().analyze(text).bigrams


def test_analysis_version_names_the_data() -> None:
    base, _, digest = ANALYSIS_VERSION.partition("+")
    assert base and len(digest) == 8
