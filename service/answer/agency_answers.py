"""Answers about agencies: who is responsible for X, what agency Y must do, which agencies take part."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.agencies import AgencyKey, canonical_agency, names_agency
from corpus.models import Responsibility
from index.models import Passage
from service.answer.citations import snippet
from service.answer.context import Context, Draft, Evidence
from service.answer.evidence import coverage, matched_positions, terms_of
from service.answer.question import Kind
from service.answer.section_answers import headings_near_top

__all__ = ["answer_list", "answer_responsible", "answer_tasks"]

# Score adjustments on top of topic coverage: the lead agency over cooperating ones, one agency over a
# collective ("các sở, ban, ngành"), and a small tie-break for better-ranked passages.
LEAD_BONUS = 0.04
COLLECTIVE_PENALTY = 0.12
RANK_BONUS = 0.02
KEEP_RELATIVE = 0.8  # other documents are listed when their evidence is this close to the best
MAX_GROUPS = 4
HEADED_KEEP = 0.85  # a heading this close to the best sentence stands for the section it heads
HEADED_LEADS = 2
NAME_BONUS = 0.05  # the agency's own name carries the topic ("Sở ... Du lịch" for tourism)
SECOND_QUOTE = 0.05
TIE = 0.01  # agencies of one document this close to its best are all named  # a second sentence for the same agency is quoted when it scores this close


@dataclass
class _Candidate:
    score: float
    evidence: Evidence
    responsibility: Responsibility
    agency: AgencyKey
    also: list[_Candidate] = field(default_factory=list)


def _agency(r: Responsibility) -> AgencyKey:
    return canonical_agency(r.agency)


def _quote_line(
    ctx: Context, ev: Evidence, marker: int, start: int | None = None, end: int | None = None
) -> str:
    text = ctx.text(ev.passage.doc_id) or ""
    s, e = (ev.start, ev.end) if start is None or end is None else (start, end)
    sentence = text[s:e]
    focus = matched_positions(ctx.terms, sentence)
    return f"“{snippet(sentence, focus)}” [{marker}]"


def answer_responsible(ctx: Context) -> Draft | None:
    """Who is responsible: the agencies assigned in the sentences that best match the topic."""
    q = ctx.question
    if q.kind is Kind.LIST and q.agency is not None:
        return None  # "Ai phối hợp với Sở Ngoại vụ?": whoever leads other work is no answer
    cands: list[_Candidate] = []
    for ev in [*ctx.evidence, *_headed(ctx)]:
        if ev.score <= 0:
            continue
        agencies = [(r, _agency(r)) for r in ev.responsibilities]
        # Work given to "các sở, ban, ngành và UBND các huyện" is everyone's: no single answer.
        shared = any(a.collective and r.role == "chu_tri" for r, a in agencies)
        for r, agency in agencies:
            if q.asked_type and agency.kind != q.asked_type:
                continue
            score = ev.score + RANK_BONUS / (1 + ev.rank)
            score += LEAD_BONUS if r.role == "chu_tri" else 0.0
            score -= COLLECTIVE_PENALTY if agency.collective or (shared and r.role == "chu_tri") else 0.0
            score += NAME_BONUS * coverage(ctx.terms, terms_of(agency.name))
            cands.append(_Candidate(score, ev, r, agency))
    if not cands:
        return None
    groups = _groups(cands)
    top = groups[0][0].score
    kept = [g for g in groups if g[0].score >= KEEP_RELATIVE * top][:MAX_GROUPS]
    names: list[str] = []
    lines: list[str] = []
    heads: list[tuple[str, list[int]]] = []
    for group in kept:
        doc_id = group[0].evidence.passage.doc_id
        parts = []
        for cand in group:
            markers = []
            for c in [cand, *cand.also]:
                marker = ctx.builder.cite(c.evidence.passage, c.responsibility.start, c.responsibility.end)
                if marker is not None:
                    markers.append(marker)
            if not markers:
                continue
            display = ctx.agency_display(
                cand.agency.name if cand.agency.field else cand.responsibility.agency
            )
            role = " (phối hợp)" if cand.responsibility.role == "phoi_hop" else ""
            parts.append((display + role, markers, cand))
        if not parts:
            continue
        for display, markers, _ in parts:
            names.append(display)
            heads.append((display, markers))
        cand = parts[0][2]
        who = " và ".join(d for d, _, _ in parts)
        line = _quote_line(
            ctx, cand.evidence, parts[0][1][0], cand.responsibility.start, cand.responsibility.end
        )
        extra = "".join(f"[{m}]" for m in parts[0][1][1:])
        lines.append(f"- {ctx.doc_label(doc_id)}: {who} — {line}{extra}")
    if not heads:
        return None
    distinct = list(dict.fromkeys(names))
    if len(distinct) == 1:
        all_markers = "".join(f"[{m}]" for _, ms in heads for m in ms)
        head = f"{distinct[0]} {all_markers}."
    else:
        merged: dict[str, list[int]] = {}
        for display, ms in heads:
            merged.setdefault(display, []).extend(ms)
        head = "; ".join(f"{d} {''.join(f'[{m}]' for m in ms)}" for d, ms in merged.items()) + "."
    best = kept[0][0].evidence.score
    return Draft("\n".join([head, *lines]), best)


def _headed(ctx: Context) -> list[Evidence]:
    """The lead agencies of a section whose heading matches the question about as well as its best
    sentence ("8. Đẩy mạnh hợp tác … nguồn lực quốc tế …" → "8.1. Sở Kế hoạch và Đầu tư chủ trì …"), as
    evidence scored like the heading: the heading names the topic, its section says who leads it. Only a
    section with at most :data:`HEADED_LEADS` lead agencies: a part of the plan that assigns work to every
    department ("IV. TỔ CHỨC THỰC HIỆN") names no one in particular."""
    out: list[Evidence] = []
    for ev, depth in headings_near_top(ctx, HEADED_KEEP):
        path = ev.passage.heading_path[: depth + 1]
        leads = [
            (passage, r)
            for passage, r in ctx.doc_responsibilities(ev.passage.doc_id)
            if r.role == "chu_tri" and passage.heading_path[: depth + 1] == path
        ]
        if 0 < len({_agency(r) for _, r in leads}) <= HEADED_LEADS:
            out += [Evidence(passage, ev.rank, r.start, r.end, ev.score, [r]) for passage, r in leads]
    return out


def _groups(cands: list[_Candidate]) -> list[list[_Candidate]]:
    """Per document: its best agencies (ties kept, specific agencies before collectives), best first."""
    by_doc: dict[str, dict[str, _Candidate]] = {}
    for cand in sorted(cands, key=lambda c: -c.score):
        agencies = by_doc.setdefault(cand.evidence.passage.doc_id, {})
        key = cand.agency.base
        if key not in agencies:
            agencies[key] = cand
        elif cand.score >= agencies[key].score - SECOND_QUOTE and not agencies[key].also:
            same = cand.evidence.start == agencies[key].evidence.start
            if not same:
                agencies[key].also.append(cand)  # a second sentence that supports it as well
    groups = []
    for agencies in by_doc.values():
        ranked = sorted(agencies.values(), key=lambda c: -c.score)
        best = ranked[0].score
        group = [c for c in ranked if c.score >= best - TIE][:3]
        if any(not c.agency.collective for c in group):
            group = [c for c in group if not c.agency.collective]
        groups.append(group)
    groups.sort(key=lambda g: -g[0].score)
    return groups


def answer_tasks(ctx: Context) -> Draft | None:
    """What an agency must do: its tasks in the documents of the asked place, most relevant first."""
    q = ctx.question
    if q.agency is None:
        return None
    wanted = q.agency.base
    docs = list(dict.fromkeys(p.doc_id for p in ctx.pool))[:4]
    items: list[tuple[float, int, Passage, Responsibility]] = []
    seen: set[tuple[str, int, int]] = set()
    for order, doc_id in enumerate(docs):
        for passage, r in ctx.doc_responsibilities(doc_id):
            if not names_agency(wanted, r.agency_key.split("@")[0]) or (doc_id, r.start, r.end) in seen:
                continue
            seen.add((doc_id, r.start, r.end))
            cov = 1.0 if ctx.terms.empty else coverage(ctx.terms, terms_of(r.task))
            items.append((cov, order, passage, r))
    if not items:
        return None
    best = max(cov for cov, *_ in items)
    if ctx.terms.empty:
        # Tasks given to this agency alone first, then those shared with others ("Các Sở: A, B, C ...").
        leads: dict[tuple[str, int], int] = {}
        for doc_id in docs:
            for _, r in ctx.doc_responsibilities(doc_id):
                if r.role == "chu_tri":
                    leads[(doc_id, r.start)] = leads.get((doc_id, r.start), 0) + 1
        own = sorted(
            (i for i in items if i[3].role == "chu_tri"),
            key=lambda i: (leads.get((i[2].doc_id, i[3].start), 1) > 1, i[1], i[3].start),
        )
        chosen = own[:6] or items[:4]
    else:
        chosen = sorted(items, key=lambda i: (-i[0], i[3].role != "chu_tri", i[1], i[3].start))
        chosen = [i for i in chosen if i[0] >= 0.6 * best][:5]
    by_doc: dict[str, list[tuple[float, int, Passage, Responsibility]]] = {}
    for item in chosen:
        by_doc.setdefault(item[2].doc_id, []).append(item)
    lines: list[str] = []
    for doc_id, doc_items in by_doc.items():
        # The document's own name for the agency: accented, and in full where the question shortened it.
        name = ctx.agency_display(_agency(doc_items[0][3]).name)
        lines.append(f"{name} — {ctx.doc_label(doc_id)}:")
        for _, _, passage, r in doc_items:
            marker = ctx.builder.cite(passage, r.start, r.end)
            if marker is None:
                continue
            role = "(phối hợp) " if r.role == "phoi_hop" else ""
            focus = matched_positions(ctx.terms, r.task)
            lines.append(f"- {role}{snippet(r.task, focus, width=400)} [{marker}]")
    if not ctx.builder.citations:
        return None
    return Draft("\n".join(lines), best)


def answer_list(ctx: Context) -> Draft | None:
    """Which agencies take part: lead and cooperating agencies of the best matching assignments."""
    q = ctx.question
    wanted = q.agency.base if q.agency is not None else None
    per_doc: dict[str, Evidence] = {}
    for ev in ctx.evidence:
        if ev.score <= 0:
            break
        if not ev.responsibilities or ev.passage.doc_id in per_doc:
            continue
        bases = {r.agency_key.split("@")[0] for r in ev.responsibilities}
        if wanted is not None and not any(names_agency(wanted, b) for b in bases):
            continue
        if wanted is not None and all(names_agency(wanted, b) for b in bases):
            continue
        per_doc[ev.passage.doc_id] = ev
    if not per_doc:
        return None
    ranked = sorted(per_doc.values(), key=lambda ev: -ev.score)
    kept = [ev for ev in ranked if ev.score >= KEEP_RELATIVE * ranked[0].score][:MAX_GROUPS]
    lines: list[str] = []
    for ev in kept:
        marker = ctx.builder.cite(ev.passage, ev.start, ev.end)
        if marker is None:
            continue
        others = [
            r
            for r in ev.responsibilities
            if wanted is None or not names_agency(wanted, r.agency_key.split("@")[0])
        ]
        leads = [r for r in others if r.role == "chu_tri"]
        coops = [r for r in others if r.role == "phoi_hop"]
        parts = []
        if leads:
            parts.append("chủ trì: " + ", ".join(ctx.agency_display(_agency(r).name) for r in leads))
        if coops:
            parts.append("phối hợp: " + ", ".join(ctx.agency_display(_agency(r).name) for r in coops))
        lines.append(f"- {ctx.doc_label(ev.passage.doc_id)}: {'; '.join(parts)} [{marker}]")
    if not lines:
        return None
    return Draft("Các cơ quan được giao:\n" + "\n".join(lines), kept[0].score)
