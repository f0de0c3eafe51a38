"""Citation building and checking on real document text."""

from __future__ import annotations

from index.engine import SearchEngine
from service.answer.citations import CitationBuilder, renumber, snippet, verify_citations
from tests.service.answer.answer_helpers import NINH_THUAN


def test_builder_and_verification(engine: SearchEngine) -> None:
    passage = engine.search("Xây dựng được 6.084 căn hộ nhà ở xã hội", top_k=1)[0]
    assert passage.doc_id == NINH_THUAN
    text = engine.document_text(passage.doc_id)
    assert text is not None
    builder = CitationBuilder(engine.document_text)
    start = text.index("Xây dựng được 6.084", passage.start)
    end = text.index(";", start)
    first = builder.cite(passage, start - 3, end + 1)  # surrounding spaces are trimmed off
    again = builder.cite(passage, start - 3, end + 1)
    assert first == again == 1
    citation = builder.citations[0]
    assert citation.quote == text[citation.start : citation.end]
    assert (
        citation.quote.startswith(("- Xây dựng được", "Xây dựng được")) or "Xây dựng được" in citation.quote
    )
    texts = {passage.doc_id: text}
    assert verify_citations(builder.citations, [passage], texts) == builder.citations
    tampered = citation.model_copy(update={"quote": citation.quote.replace("6.084", "9.999")})
    outside = citation.model_copy(update={"start": passage.end - 5, "end": passage.end + 20})
    unknown = citation.model_copy(update={"chunk_id": "no-such-chunk"})
    assert verify_citations([tampered, outside, unknown], [passage], texts) == []
    assert builder.cite(passage, passage.end + 10, passage.end + 20) is None  # outside the passage: nothing


def test_renumber_drops_markers_without_citation(engine: SearchEngine) -> None:
    passage = engine.search("nhà ở xã hội", top_k=1)[0]
    builder = CitationBuilder(engine.document_text)
    builder.cite(passage, passage.start, passage.start + 40)
    builder.cite(passage, passage.start + 50, passage.start + 90)
    kept = [c for c in builder.citations if c.marker == 2]
    text, citations = renumber("Một [1]. Hai [2]. Ba [7].", kept)
    assert text == "Một. Hai [1]. Ba."
    assert [c.marker for c in citations] == [1]


def test_snippet_cuts_around_focus() -> None:
    text = " ".join(f"từ{i}" for i in range(200))
    cut = snippet(text, [text.index("từ150")], width=60)
    assert "từ150" in cut and cut.startswith("…") and len(cut) < 90
    assert snippet("ngắn gọn") == "ngắn gọn"
