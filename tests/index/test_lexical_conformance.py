"""One conformance routine for every lexical index kind the factory offers, on the seed plans."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from corpus.normalize import fold, normalize_text
from index.analysis import default_analyzer
from index.errors import CorruptIndexError, IncompatibleIndexError
from index.lexical import scoring
from index.lexical.base import LexicalIndex
from index.lexical.factory import create_lexical_index, kinds, load_lexical_index

SEEDS = Path(__file__).resolve().parents[2] / "corpus" / "documents"


def _paragraphs() -> list[str]:
    """The seeds cut naively at numbered headings into paragraphs of a few hundred characters."""
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8"))
        current = ""
        for part in re.split(r"\n(?=(?:[IVX]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\))\s)|\n\n", text):
            current = f"{current}\n{part}" if current else part
            if len(current) >= 250:
                out.append(current)
                current = ""
        if current:
            out.append(current)
    return out


PARAGRAPHS = _paragraphs()


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


@pytest.fixture(scope="module", params=kinds())
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def index(kind: str) -> LexicalIndex:
    built = create_lexical_index(kind)
    built.fit(PARAGRAPHS, np.arange(len(PARAGRAPHS), dtype=np.int64))
    return built


def _texts(ids: np.ndarray) -> list[str]:
    return [PARAGRAPHS[int(i)] for i in ids]


def test_fit_indexes_every_row(index: LexicalIndex) -> None:
    assert len(index) == len(PARAGRAPHS) > 50


def test_results_are_positive_sorted_and_bounded(index: LexicalIndex) -> None:
    scores, ids = index.search("nhà ở xã hội", 7)
    assert 0 < len(ids) <= 7 and len(scores) == len(ids)
    assert scores.dtype == np.float32 and ids.dtype == np.int64
    assert np.all(scores > 0) and np.all(np.diff(scores) <= 0)
    assert len(set(ids.tolist())) == len(ids)
    assert len(index.search("nhà ở xã hội", 10_000)[1]) <= len(index)
    assert len(index.search("nhà ở xã hội", 0)[1]) == 0


def test_unaccented_query_finds_accented_text(index: LexicalIndex) -> None:
    _, ids = index.search("nha o xa hoi", 5)
    assert len(ids) == 5
    assert all("nha o xa hoi" in _key(text) for text in _texts(ids[:3]))
    _, accented = index.search("nhà ở xã hội", 5)
    assert "nhà ở xã hội" in PARAGRAPHS[int(accented[0])].lower()


def test_exact_accents_rank_above_folded_matches(kind: str) -> None:
    texts = ["Tổ chức bàn giao tài sản cho đơn vị", "Tổ chức bán đấu giá tài sản cho đơn vị"]
    small = create_lexical_index(kind)
    small.fit(texts, np.arange(2, dtype=np.int64))
    assert small.search("bán tài sản", 2)[1].tolist() == [1, 0]
    assert small.search("bàn tài sản", 2)[1].tolist() == [0, 1]
    assert sorted(small.search("ban tai san", 2)[1].tolist()) == [0, 1]


def test_punctuation_variants_of_a_name_score_identically(index: LexicalIndex) -> None:
    dashed = index.search("Sở Văn hoá - Thể thao và Du lịch", 10)
    commas = index.search("Sở Văn hóa, Thể thao và Du lịch", 10)
    assert dashed[1].tolist() == commas[1].tolist()
    np.testing.assert_array_equal(dashed[0], commas[0])
    assert "du lich" in _key(PARAGRAPHS[int(dashed[1][0])])


@pytest.mark.parametrize("abbreviation", ["LĐTBXH", "LĐ-TB&XH", "ldtbxh"])
def test_abbreviation_finds_the_full_name(index: LexicalIndex, abbreviation: str) -> None:
    _, ids = index.search(f"Sở {abbreviation}", 5)
    assert any("lao dong thuong binh va xa hoi" in _key(text) for text in _texts(ids[:3]))


def test_allowed_restricts_results(index: LexicalIndex) -> None:
    allowed = np.arange(0, len(PARAGRAPHS), 3, dtype=np.int64)
    _, ids = index.search("nhà ở xã hội", 20, allowed)
    assert len(ids) > 0 and set(ids.tolist()) <= set(allowed.tolist())
    _, everywhere = index.search("nhà ở xã hội", len(PARAGRAPHS))
    expected = [i for i in everywhere.tolist() if i in set(allowed.tolist())][: len(ids)]
    assert ids.tolist() == expected  # same order as unfiltered, minus what is not allowed
    assert len(index.search("nhà ở xã hội", 5, np.empty(0, dtype=np.int64))[1]) == 0
    assert len(index.search("nhà ở xã hội", 5, np.array([10**9, -1], dtype=np.int64))[1]) == 0


def test_ids_need_not_be_row_numbers(kind: str) -> None:
    ids = np.arange(len(PARAGRAPHS), dtype=np.int64)[::-1] * 7 + 1000
    shuffled = create_lexical_index(kind)
    shuffled.fit(PARAGRAPHS, ids)
    _, found = shuffled.search("nước sạch nông thôn", 5)
    assert set(found.tolist()) <= set(ids.tolist())
    row = {int(value): position for position, value in enumerate(ids)}
    assert "nuoc sach" in _key(PARAGRAPHS[row[int(found[0])]])
    allowed = found[1:3]
    assert set(shuffled.search("nước sạch nông thôn", 5, allowed)[1].tolist()) == set(allowed.tolist())


@pytest.mark.parametrize("query", ["", "   ", "?!.,;:-–()", "\n"])
def test_empty_or_punctuation_query_gives_nothing(index: LexicalIndex, query: str) -> None:
    scores, ids = index.search(query, 10)
    assert len(scores) == len(ids) == 0


def test_unknown_words_give_nothing(index: LexicalIndex) -> None:
    assert len(index.search("zzxqv qqqwerty", 10)[1]) == 0


def test_ten_thousand_repeated_words(index: LexicalIndex) -> None:
    once = index.search("nhà ở", 10)
    many = index.search("nhà ở " * 10_000, 10)
    assert many[1].tolist() == once[1].tolist()


def test_idf_orders_terms_by_rarity(index: LexicalIndex) -> None:
    analyzer = default_analyzer()
    rows = [set(analyzer.analyze(text).bigrams) for text in PARAGRAPHS]
    df = {token: sum(token in row for row in rows) for token in ("xa hoi", "xay dung", "nha o")}
    common, rare = max(df, key=df.__getitem__), min(df, key=df.__getitem__)
    assert 0 < df[rare] < df[common]
    values = index.idf([common, rare, "zzq qqz"], "bigrams")
    assert values.shape == (3,) and values.dtype == np.float32
    assert 0 < values[0] < values[1] < values[2]  # an unseen token counts as the rarest of all
    assert index.idf([], "folded").shape == (0,)


CONTAINS_TOKENS = ["nha o", "xa hoi", "so xay", "zzq qqz"]


def _expected_presence(ids_to_rows: dict[int, int], ids: list[int], field: str) -> np.ndarray:
    analyzer = default_analyzer()
    out = np.zeros((len(ids), len(CONTAINS_TOKENS)), dtype=bool)
    for i, wanted in enumerate(ids):
        if wanted in ids_to_rows:
            tokens = set(getattr(analyzer.analyze(PARAGRAPHS[ids_to_rows[wanted]]), field))
            out[i] = [token in tokens for token in CONTAINS_TOKENS]
    return out


def test_contains_reads_presence_from_the_postings(index: LexicalIndex) -> None:
    housing = next(i for i, text in enumerate(PARAGRAPHS) if "nhà ở xã hội" in text.lower())
    ids = [housing, 5, len(PARAGRAPHS) - 1, 0, len(PARAGRAPHS) + 9, -1]  # any order; the last two unknown
    got = index.contains(CONTAINS_TOKENS, "bigrams", np.array(ids, dtype=np.int64))
    expected = _expected_presence({i: i for i in range(len(PARAGRAPHS))}, ids, "bigrams")
    assert got.shape == (len(ids), len(CONTAINS_TOKENS)) and got.dtype == np.bool_
    assert got.tolist() == expected.tolist() and got[:, 0].any() and not got[4:].any()
    assert index.contains([], "bigrams", np.array(ids)).shape == (len(ids), 0)


def test_contains_with_ids_that_are_not_row_numbers(kind: str) -> None:
    ids = np.arange(len(PARAGRAPHS), dtype=np.int64)[::-1] * 7 + 1000
    shuffled = create_lexical_index(kind)
    shuffled.fit(PARAGRAPHS, ids)
    wanted = [int(ids[2]), int(ids[40]), 3, int(ids[0])]
    got = shuffled.contains(CONTAINS_TOKENS, "bigrams", np.array(wanted, dtype=np.int64))
    expected = _expected_presence({int(v): row for row, v in enumerate(ids)}, wanted, "bigrams")
    assert got.tolist() == expected.tolist()


def test_save_and_load_give_identical_scores(index: LexicalIndex, kind: str, tmp_path: Path) -> None:
    index.save(tmp_path)
    loaded = load_lexical_index(kind, tmp_path)
    assert load_lexical_index(None, tmp_path).kind == kind
    assert len(loaded) == len(index)
    for query in ("nhà ở xã hội", "nha o xa hoi", "Sở LĐTBXH", "6.084 căn hộ", "ai ký kế hoạch"):
        expected, got = index.search(query, 10), loaded.search(query, 10)
        assert got[1].tolist() == expected[1].tolist()
        np.testing.assert_array_equal(got[0], expected[0])
    assert not any(path.suffix == ".pkl" for path in tmp_path.iterdir())


def test_fit_save_equals_fit_then_save(index: LexicalIndex, kind: str, tmp_path: Path) -> None:
    streamed = create_lexical_index(kind)
    ids = np.arange(len(PARAGRAPHS), dtype=np.int64)
    streamed.fit_save(PARAGRAPHS, ids, tmp_path / "streamed")
    index.save(tmp_path / "plain")
    names = sorted(path.name for path in (tmp_path / "plain").iterdir())
    assert sorted(path.name for path in (tmp_path / "streamed").iterdir()) == names
    for name in names:  # byte for byte: the same index, only written in another order
        assert (tmp_path / "streamed" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), name
    loaded = load_lexical_index(kind, tmp_path / "streamed")
    for query in ("nhà ở xã hội", "nha o xa hoi", "Sở LĐTBXH"):
        expected = index.search(query, 10)
        for candidate in (streamed, loaded):  # usable right away, and from disk
            got = candidate.search(query, 10)
            assert got[1].tolist() == expected[1].tolist()
            np.testing.assert_array_equal(got[0], expected[0])


def _saved(index: LexicalIndex, directory: Path) -> Path:
    index.save(directory)
    return directory


def test_truncated_array_is_a_clear_error(index: LexicalIndex, kind: str, tmp_path: Path) -> None:
    directory = _saved(index, tmp_path)
    victim = max((p for p in directory.iterdir() if p.suffix == ".npy"), key=lambda p: p.stat().st_size)
    victim.write_bytes(victim.read_bytes()[:200])
    with pytest.raises(CorruptIndexError, match=re.escape(victim.name)) as caught:
        load_lexical_index(kind, directory)
    assert "tracuu build --full" in str(caught.value)


@pytest.mark.parametrize("damage", ["missing", "garbage-json", "zeros"])
def test_damaged_files_are_clear_errors(index: LexicalIndex, kind: str, tmp_path: Path, damage: str) -> None:
    directory = _saved(index, tmp_path)
    files = sorted(directory.iterdir())
    if damage == "missing":
        files[0].unlink()
    elif damage == "garbage-json":
        for path in files:
            if path.suffix == ".json":
                path.write_text("{ not json", encoding="utf-8")
    else:
        for path in files:
            path.write_bytes(b"\x00" * 10)
    with pytest.raises(CorruptIndexError):
        load_lexical_index(kind, directory)


def test_missing_directory_is_a_clear_error(kind: str, tmp_path: Path) -> None:
    with pytest.raises(CorruptIndexError, match="missing"):
        load_lexical_index(kind, tmp_path / "nowhere")


def test_index_from_another_analysis_version_is_refused(
    index: LexicalIndex, kind: str, tmp_path: Path
) -> None:
    directory = _saved(index, tmp_path)
    params = next(p for p in directory.iterdir() if p.name == "params.json")
    meta = json.loads(params.read_text(encoding="utf-8"))
    meta["analysis_version"] = "0+deadbeef"
    params.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IncompatibleIndexError, match="analysis"):
        load_lexical_index(kind, directory)


def test_empty_corpus(kind: str, tmp_path: Path) -> None:
    empty = create_lexical_index(kind)
    empty.fit([], np.empty(0, dtype=np.int64))
    assert len(empty) == 0
    assert len(empty.search("nhà ở", 5)[1]) == 0
    empty.save(tmp_path)
    assert len(load_lexical_index(kind, tmp_path).search("nhà ở", 5)[1]) == 0


def test_fit_rejects_mismatched_or_duplicate_ids(kind: str) -> None:
    with pytest.raises(ValueError, match="ids"):
        create_lexical_index(kind).fit(["một", "hai"], np.arange(3, dtype=np.int64))
    with pytest.raises(ValueError, match="duplicate"):
        create_lexical_index(kind).fit(["một", "hai"], np.array([4, 4], dtype=np.int64))


def test_factory_rejects_unknown_kind_and_parameters() -> None:
    with pytest.raises(ValueError, match="unknown lexical index kind"):
        create_lexical_index("nope")
    with pytest.raises(ValueError, match="unknown"):
        create_lexical_index("bm25", k3=1.0)


# BM25-specific: the two-phase search used when some term has more postings than ``max_postings``.


@pytest.fixture(scope="module")
def truncated() -> LexicalIndex:
    built = create_lexical_index("bm25", max_postings=5)
    built.fit(PARAGRAPHS, np.arange(len(PARAGRAPHS), dtype=np.int64))
    return built


@pytest.fixture(scope="module")
def exact() -> LexicalIndex:
    built = create_lexical_index("bm25", max_postings=10**9)
    built.fit(PARAGRAPHS, np.arange(len(PARAGRAPHS), dtype=np.int64))
    return built


QUERIES = ["nhà ở xã hội", "nha o xa hoi", "Sở LĐTBXH", "phòng, chống dịch COVID-19", "của các"]


@pytest.mark.parametrize("query", QUERIES)
def test_truncated_postings_rescore_allowed_rows_exactly(
    truncated: LexicalIndex, exact: LexicalIndex, query: str
) -> None:
    every = np.arange(len(PARAGRAPHS), dtype=np.int64)
    got, expected = truncated.search(query, 10, every), exact.search(query, 10, every)
    assert got[1].tolist() == expected[1].tolist()
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-5)


@pytest.mark.parametrize("query", QUERIES)
def test_truncated_postings_keep_the_top_results(
    truncated: LexicalIndex, exact: LexicalIndex, query: str
) -> None:
    got, expected = truncated.search(query, 5), exact.search(query, 5)
    assert got[1].tolist() == expected[1].tolist()
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-5)


def test_truncated_postings_keep_presence_exact(truncated: LexicalIndex, exact: LexicalIndex) -> None:
    every = np.arange(len(PARAGRAPHS), dtype=np.int64)
    tokens = ["nha o", "xa hoi", "cua cac", "thuc hien"]  # common: their postings split into head and tail
    got = truncated.contains(tokens, "bigrams", every)
    assert got.tolist() == exact.contains(tokens, "bigrams", every).tolist() and int(got.sum()) > 20


def test_truncated_index_round_trips(truncated: LexicalIndex, tmp_path: Path) -> None:
    truncated.save(tmp_path)
    loaded = load_lexical_index(None, tmp_path)
    for query in QUERIES:
        assert loaded.search(query, 10)[1].tolist() == truncated.search(query, 10)[1].tolist()


# The pure ranking functions behind BM25Index.


def test_top_k_matches_a_full_sort_on_long_arrays() -> None:
    rng = np.random.default_rng(7)
    scores = rng.random(300_000).astype(np.float32)
    scores[rng.random(scores.size) < 0.5] = 0
    for k in (1, 10, 1000):
        expected = np.lexsort((np.arange(scores.size), -scores))[:k]
        assert scoring.top_k(scores, k).tolist() == expected.tolist()
    sparse = np.zeros(300_000, dtype=np.float32)
    sparse[[5, 77, 123_456]] = [1.0, 3.0, 2.0]
    assert scoring.top_k(sparse, 10).tolist() == [77, 123_456, 5]
    assert scoring.top_k(np.zeros(10, dtype=np.float32), 3).size == 0


def test_impact_split_puts_the_strongest_first_each_part_in_row_order() -> None:
    weights = np.array([0.1, 0.9, 0.3, 0.8, 0.2, 0.7], dtype=np.float32)
    order = scoring.impact_split(weights, 3)
    assert order.tolist() == [1, 3, 5, 0, 2, 4]


def test_lookup_and_accumulate() -> None:
    rows = np.array([2, 5, 9], dtype=np.int32)
    weights = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    found = scoring.lookup(rows, weights, np.array([0, 5, 9, 10], dtype=np.int32))
    assert found.tolist() == [0.0, 2.0, 3.0, 0.0]
    total = scoring.accumulate(
        [rows, np.array([5, 12], dtype=np.int32)], [weights, np.ones(2, np.float32)], 11
    )
    assert total.tolist() == [0, 0, 1, 0, 0, 3, 0, 0, 0, 3, 0]  # row 12 is past the end: dropped


def test_idf_variants_and_saturation() -> None:
    df = np.array([1, 50, 100])
    assert np.all(np.diff(scoring.idf_lucene(df, 100)) < 0) and np.all(scoring.idf_lucene(df, 100) > 0)
    assert scoring.idf_robertson(df, 100)[-1] == 0
    tf = np.array([1, 2, 100])
    saturation = scoring.tf_saturation(tf, np.full(3, 10, np.float32), 10.0, k1=1.2, b=0.75)
    assert np.all(np.diff(saturation) > 0) and saturation[-1] < 2.2
