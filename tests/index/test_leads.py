"""The lead-agency prior (index.leads): kinds of lead per chunk, the kind a question asks for, and its effect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.engine import SearchEngine
from index.layout import LEADS
from index.leads import ANY_LEAD, KIND_BITS, OTHER, asked_kind, asked_mask, lead_mask

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(seed_engine: SearchEngine) -> SearchEngine:
    return seed_engine


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("so nao phu trach nha o xa hoi", "so"),
        ("Sở nào chủ trì thẩm định dự án?", "so"),
        ("Which department leads social housing?", "so"),
        ("Ủy ban nào tổng hợp báo cáo?", "ubnd"),
        ("Chi cục nào kiểm tra an toàn thực phẩm?", "cuc"),
        ("Bộ nào hướng dẫn?", "bo"),
        ("Cơ quan nào phụ trách nhà ở xã hội?", None),
        ("ai chủ trì phát triển du lịch", None),
        ("Who leads the tourism recovery plan?", None),
        ("Ban hành kế hoạch nào?", None),  # "ban" here is "issue", not a board
    ],
)
def test_the_kind_a_question_asks_for(question: str, kind: str | None) -> None:
    assert asked_kind(question) == kind
    assert asked_mask(question) == (ANY_LEAD if kind is None else KIND_BITS[kind])


def test_lead_masks_of_real_sections(engine: SearchEngine) -> None:
    chunks = engine.chunks_of("lang-son-46-kh-ubnd-phuc-hoi-kinh-te")
    by_heading = {chunk.heading_path[-1]: chunk for chunk in chunks if chunk.heading_path}
    construction = next(c for h, c in by_heading.items() if h.endswith("Sở Xây dựng"))
    bank = next(c for h, c in by_heading.items() if "Ngân hàng Chính sách xã hội" in h)
    assert lead_mask(construction.responsibilities) & KIND_BITS["so"]
    assert lead_mask(bank.responsibilities) == OTHER  # a bank branch leads, but it is no Sở
    assert lead_mask([r for r in construction.responsibilities if r.role != "chu_tri"]) == 0


def test_the_index_stores_one_mask_per_chunk(engine: SearchEngine) -> None:
    leads = np.load(engine.directory / LEADS)
    assert leads.dtype == np.uint8 and leads.shape == (len(engine.store),)
    assert int(np.count_nonzero(leads & KIND_BITS["so"])) > 10


def test_a_question_naming_the_kind_prefers_leads_of_that_kind(engine: SearchEngine) -> None:
    # Both sections lead on social housing; "Sở nào" asks for a department, so the bank branch comes after
    # the Sở Xây dựng sections; "cơ quan nào" accepts either.
    def rank_of_bank(query: str) -> int:
        passages = engine.search(query, top_k=10)
        return next(i for i, p in enumerate(passages, 1) if "Ngân hàng Chính sách" in p.section)

    assert rank_of_bank("so nao phu trach nha o xa hoi") > 3
    assert rank_of_bank("co quan nao phu trach nha o xa hoi") <= 3
