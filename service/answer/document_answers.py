"""Which documents there are: "Lạng Sơn có những văn bản nào?", "có bao nhiêu kế hoạch", "which plans …"."""

from __future__ import annotations

from corpus.models import Document
from corpus.normalize import fold
from service.answer.context import Context, Draft
from service.answer.fact_answers import cite_anywhere
from service.answer.facts import date_forms, find_phrase

__all__ = ["answer_documents"]

MAX_LISTED = 10


def _of_place(ctx: Context, documents: list[Document]) -> list[Document]:
    """The documents of the district, else the province, the question names (all when it names none)."""
    q = ctx.question
    districts, provinces = {fold(d) for d in q.districts}, {fold(p) for p in q.provinces}
    if districts:
        return [d for d in documents if d.district and fold(d.district) in districts]
    if provinces:
        return [d for d in documents if d.province and fold(d.province) in provinces]
    return documents


def answer_documents(ctx: Context) -> Draft | None:
    """The documents of the place asked about, newest first, each cited by its title as written.

    A question that also names a topic ("những kế hoạch nào nói về nước sạch") is about content: it is
    left to the next strategy.
    """
    if not ctx.terms.empty:
        return None
    documents = sorted(_of_place(ctx, ctx.retriever.documents()), key=lambda d: d.date or "", reverse=True)
    lines: list[str] = []
    for doc in documents[:MAX_LISTED]:
        text = ctx.text(doc.doc_id) or ""
        span = find_phrase(text, doc.title) if doc.title else None
        if span is None:
            continue
        title = " ".join(text[span[0] : span[1]].split())
        marker = cite_anywhere(ctx, doc.doc_id, span[0], span[1], title)
        if marker is None:
            continue
        issued = f", ngày {date_forms(doc.date)[1]}" if doc.date else ""
        # Without a number a document's name is its title, quoted next to it anyway.
        label = ctx.doc_label(doc.doc_id) if doc.number else ctx.place(doc.doc_id) or "Văn bản"
        lines.append(f"- {label}{issued}: “{title}” [{marker}]")
    if not lines:
        return None
    places = ", ".join(ctx.question.districts or ctx.question.provinces)
    header = f"Có {len(documents)} văn bản" + (f" của {places}" if places else " trong hệ thống") + ":"
    if len(documents) > MAX_LISTED:
        lines.append(f"… và {len(documents) - MAX_LISTED} văn bản khác.")
    return Draft(header + "\n" + "\n".join(lines), 1.0)
