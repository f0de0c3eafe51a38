"""Heading titles quoted by a question (index.headings): keys, bonus, persistence, and the effect on ranking."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.builder import build_index
from index.engine import SearchEngine
from index.errors import CorruptIndexError
from index.headings import HeadingTitles, HeadingTitlesBuilder, title_key
from index.layout import HEADINGS, HEADINGS_KEYS

REPO = Path(__file__).resolve().parents[2]
ALQAC = REPO.parent / "shared" / "external" / "alqac2023" / "corpus"


def rows_titles(paths: list[list[str]]) -> HeadingTitles:
    builder = HeadingTitlesBuilder()
    for path in paths:
        builder.add(path)
    return builder.finish()


def test_title_key_drops_numbering_and_folds() -> None:
    assert title_key("Điều 159. Quyền khác đối với tài sản") == "quyen khac doi voi tai san"
    assert title_key("1. Sở Xây dựng") == "so xay dung"
    assert title_key("II. NHIỆM VỤ VÀ GIẢI PHÁP") == "nhiem vu va giai phap"


def test_title_key_is_one_for_spelling_and_abbreviation_variants() -> None:
    key = title_key("3. Sở Văn hoá - Thể thao và Du lịch")
    assert key
    assert title_key("3. Sở Văn hóa, Thể thao và Du lịch") == key
    assert title_key("a) Sở VHTTDL") == key


@pytest.mark.parametrize(
    "label",
    [
        "Điều 5",  # a bare marker
        "Điều 7. Thuế",  # one syllable: too generic to be evidence
        "1. Tổ chức thực hiện kế hoạch này theo đúng tiến độ đã được phê duyệt tại các văn bản…",
        "a) Chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố tổ chức",
    ],
)
def test_labels_without_a_usable_title_have_no_key(label: str) -> None:
    assert title_key(label) == ""


def test_bonus_goes_to_rows_whose_title_the_query_quotes() -> None:
    titles = rows_titles(
        [
            ["Điều 158. Quyền sở hữu"],
            ["Điều 159. Quyền khác đối với tài sản"],
            ["Điều 257. Quyền hưởng dụng"],
            ["Điều 260. Thời hạn của quyền hưởng dụng"],
        ]
    )
    bonus = titles.bonus("Quyền hưởng dụng là một loại quyền khác đối với tài sản?", np.arange(4))
    assert bonus[0] == 0.0 and bonus[3] == 0.0
    # Both quoted titles occur once; the longer one is the stronger evidence.
    assert bonus[1] > bonus[2] > 0.0


def test_bonus_prefers_rare_titles_and_ignores_unknown_rows() -> None:
    titles = rows_titles([["1. Sở Xây dựng"], ["1. Sở Xây dựng"], ["2. Sở Tài chính"], []])
    bonus = titles.bonus("so xay dung va so tai chinh lam gi", np.array([0, 2, 3, 99]))
    assert bonus[1] > bonus[0] > 0.0  # "Sở Tài chính" heads one row of four, "Sở Xây dựng" two
    assert bonus[2] == 0.0 and bonus[3] == 0.0


def test_ancestor_titles_count_for_the_rows_below_them() -> None:
    titles = rows_titles([["III. TỔ CHỨC THỰC HIỆN", "1. Sở Xây dựng", "a) Chủ trì thẩm định dự án"], []])
    assert titles.bonus("Sở Xây dựng có nhiệm vụ gì", np.array([0, 1])).tolist()[1] == 0.0
    assert titles.bonus("Sở Xây dựng có nhiệm vụ gì", np.array([0]))[0] > 0.0


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    titles = rows_titles([["Điều 1. Phạm vi điều chỉnh"], ["Điều 2. Đối tượng áp dụng"], []])
    titles.save(tmp_path)
    loaded = HeadingTitles.load(tmp_path, 3)
    assert loaded.keys == titles.keys
    query = "phạm vi điều chỉnh của luật"
    assert loaded.bonus(query, np.arange(3)).tolist() == titles.bonus(query, np.arange(3)).tolist()


def test_damaged_files_are_named(tmp_path: Path) -> None:
    rows_titles([["Điều 1. Phạm vi điều chỉnh"]]).save(tmp_path)
    with pytest.raises(CorruptIndexError, match=re.escape(HEADINGS)):
        HeadingTitles.load(tmp_path, 5)  # an index of another size
    (tmp_path / HEADINGS_KEYS).write_text(json.dumps({"not": "a list"}), encoding="utf-8")
    with pytest.raises(CorruptIndexError, match=re.escape(HEADINGS_KEYS)):
        HeadingTitles.load(tmp_path, 1)
    (tmp_path / HEADINGS).write_bytes(b"not an npz")
    with pytest.raises(CorruptIndexError, match=re.escape(HEADINGS)):
        HeadingTitles.load(tmp_path, 1)


@pytest.fixture(scope="module")
def civil_code(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    root = tmp_path_factory.mktemp("civil-code")
    shutil.copy(ALQAC / "bo-luat-dan-su.txt", root / "bo-luat-dan-su.txt")
    build_index(root, root / "idx")
    return SearchEngine.open(root / "idx")


def _rank(engine: SearchEngine, query: str, heading: str) -> int:
    passages = engine.search(query, top_k=20)
    return next((i for i, p in enumerate(passages, 1) if p.heading_path[-1].startswith(heading)), 99)


def test_a_quoted_article_title_lifts_that_article(civil_code: SearchEngine) -> None:
    # ALQAC's question DS-27: Điều 159 is the answer; BM25 alone prefers the many short articles on
    # "quyền hưởng dụng" (Điều 257-266), which repeat those words.
    query = "Quyền hưởng dụng là một loại quyền khác đối với tài sản, đúng hay sai?"
    with_titles = _rank(civil_code, query, "Điều 159.")
    headings, civil_code.headings = civil_code.headings, None
    try:
        without = _rank(civil_code, query, "Điều 159.")
    finally:
        civil_code.headings = headings
    assert with_titles <= 5 < without


def test_every_built_index_has_headings(civil_code: SearchEngine) -> None:
    directory = civil_code.directory
    assert (directory / HEADINGS).is_file() and (directory / HEADINGS_KEYS).is_file()
    assert civil_code.headings is not None and len(civil_code.headings) == len(civil_code.store)
