from __future__ import annotations

from pathlib import Path

import pytest

from corpus.normalize import normalize_text
from evaluation.qa import GoldArticle, QAItem
from evaluation.relevance import RetrievedUnit, article_spans, judge, n_targets, section_has_article


def _alqac(*golds: tuple[str, str]) -> QAItem:
    return QAItem(
        id="q",
        question="?",
        format="alqac",
        type="Đúng/Sai",
        gold=[GoldArticle(document="", file=f, article=a) for f, a in golds],
    )


def _unit(source: str, section: str = "", start: int = 0, end: int = 10, text: str = "") -> RetrievedUnit:
    return RetrievedUnit(doc_id="d", source=source, text=text, start=start, end=end, section=section)


def test_dieu_3_never_matches_dieu_31_or_13() -> None:
    assert section_has_article(["Điều 3. Giải thích từ ngữ"], "3")
    assert section_has_article(["Điều 3"], "3")
    assert section_has_article(["Chương I › Điều 3: Giải thích"], "3") is False  # not a path element start
    assert not section_has_article(["Điều 31. Quyền"], "3")
    assert not section_has_article(["Điều 13. Quyền"], "3")
    assert not section_has_article(["Xem Điều 3"], "3")
    assert section_has_article(["ĐIỀU 31. QUYỀN"], "31")
    assert section_has_article(["Điều 31"], "031")


def test_alqac_section_rule_uses_file_and_path_elements() -> None:
    item = _alqac(("luat-hon-nhan-va-gia-dinh.txt", "31"))
    hit = _unit(
        "luat-hon-nhan-va-gia-dinh.txt", "LUẬT HÔN NHÂN VÀ GIA ĐÌNH › Điều 31. Giao dịch liên quan đến nhà"
    )
    assert judge(item, hit) == frozenset({"luat-hon-nhan-va-gia-dinh.txt#31"})
    assert judge(item, _unit("sub/luat-hon-nhan-va-gia-dinh.txt", "Điều 31. X")) != frozenset()
    assert judge(item, _unit("luat-du-lich.txt", "Điều 31. X")) == frozenset()
    assert judge(item, _unit("luat-hon-nhan-va-gia-dinh.txt", "Điều 3. X")) == frozenset()
    assert judge(item, _unit("luat-hon-nhan-va-gia-dinh.txt", "Điều 310. X")) == frozenset()
    path_only = RetrievedUnit(
        doc_id="d",
        source="luat-hon-nhan-va-gia-dinh.txt",
        text="",
        start=0,
        end=1,
        heading_path=("Điều 31. X",),
    )
    assert judge(item, path_only)


def test_multiple_gold_articles_are_separate_targets() -> None:
    item = _alqac(("a.txt", "3"), ("a.txt", "31"), ("a.txt", "31"))
    assert n_targets(item) == 2
    assert judge(item, _unit("a.txt", "Điều 31. X")) == frozenset({"a.txt#31"})


def test_article_spans_of_a_real_law(alqac_dir: Path) -> None:
    text = normalize_text((alqac_dir / "corpus" / "luat-du-lich.txt").read_text(encoding="utf-8"))
    spans = article_spans(text, "luat-du-lich.txt")
    start, end = spans[("luat-du-lich.txt", "3")]
    assert text[start:].startswith("Điều 3. Giải thích từ ngữ")
    assert text[end:].startswith("Điều 4. ")
    assert "Điều 4." not in text[start:end]
    assert len(spans) == 78
    # The constitution has headings without a period ("Điều 115" alone on its line).
    constitution = normalize_text((alqac_dir / "corpus" / "hien-phap.txt").read_text(encoding="utf-8"))
    assert ("hien-phap.txt", "115") in article_spans(constitution, "hien-phap.txt")


def test_alqac_span_rule_for_baseline_chunks() -> None:
    text = "LUẬT X\n\nĐiều 3. Một\nnội dung ba\n\nĐiều 31. Hai\nnội dung ba mốt\n"
    spans = article_spans(text, "x.txt")
    s3, e3 = spans[("x.txt", "3")]
    s31, e31 = spans[("x.txt", "31")]
    assert e3 == s31 and e31 == len(text)
    item = _alqac(("x.txt", "3"))
    assert judge(item, _unit("x.txt", start=s3, end=s3 + 5), by="span", spans=spans)
    assert not judge(item, _unit("x.txt", start=s31, end=e31), by="span", spans=spans)
    assert judge(item, _unit("x.txt", start=0, end=s3 + 1), by="span", spans=spans)  # any overlap counts
    assert not judge(item, _unit("x.txt", start=0, end=s3), by="span", spans=spans)  # touching is not overlap
    with pytest.raises(ValueError):
        judge(item, _unit("x.txt"), by="span")


def test_plans_relevance_is_folded_evidence_containment() -> None:
    item = QAItem(
        id="p",
        question="?",
        format="plans",
        type="number",
        answers=["100%"],
        evidence=["Tỷ lệ thôn, phố có Nhà Văn hóa đạt 100%", "another quote"],
    )
    assert judge(item, _unit("f.txt", text="- Tỷ lệ thôn, phố có Nhà\nVăn hoá đạt 100%;"))
    assert judge(item, _unit("f.txt", text="TY LE THON PHO CO NHA VAN HOA DAT 100"))
    assert not judge(item, _unit("f.txt", text="Tỷ lệ thôn, phố có Nhà Văn hóa đạt 90%"))
    assert n_targets(item) == 1
    assert n_targets(item.model_copy(update={"evidence": []})) == 0
