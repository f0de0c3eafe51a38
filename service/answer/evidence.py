"""How well a sentence covers a question's topic: terms, IDF weights and coverage.

Terms are syllables and syllable bigrams (Vietnamese words span syllables: "nhà ở" ≠ "ở nhà"), matched in
one tone-mark style when the question carries diacritics and folded when it does not, so "hộ chiếu" does
not match "hỗ trợ" while "ho chieu" still finds "hộ chiếu". ``tỉ``/``tỷ`` spellings are one key. Weights
are inverse document frequencies over the index's chunks: rare words decide, common ones barely count,
and a word no document contains weighs the most (a question about it cannot be answered from them).
"""

from __future__ import annotations

import itertools
import math
import random
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from corpus.normalize import fold
from index.analysis import STOPWORDS
from index.api import Retriever
from index.glossary import default_glossary
from service.answer.restore import Restorer
from service.answer.tokens import keyed_offsets, tokens, word_tokens
from service.answer.words import join_terms, segment, segment_folded

__all__ = [
    "QueryTerms",
    "TermSet",
    "TermStats",
    "Word",
    "coverage",
    "matched_positions",
    "merge",
    "query_terms",
    "terms_of",
    "tokens",
]

PHRASE_BONUS = 0.1
#: Chunks read for the document frequencies (all of them below this; a random sample of documents above).
STATS_SAMPLE_CHUNKS = 20_000
_PRUNE_ABOVE = 2_000  # chunks: beyond, spelling pairs seen once are dropped to bound memory
RARE_WEIGHT = 2.0  # idf above which a one-syllable word is checked against the sentence's words
_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS if len(fold(w)) > 2 or fold(w) in {"va", "la", "gi"})


@dataclass(frozen=True, slots=True)
class TermSet:
    """Terms of one text: folded and accented syllables, folded bigrams."""

    folded: frozenset[str]
    accented: frozenset[str]
    bigrams: frozenset[str]


@lru_cache(maxsize=20000)
def terms_of(text: str) -> TermSet:
    """The terms of a sentence or passage (cached); "vắc-xin" gives the pair "vac xin" like "vắc xin"."""
    return _term_set(word_tokens(text))


def _term_set(toks: list[tuple[str, str, bool]]) -> TermSet:
    bigrams = {f"{toks[i - 1][1]} {toks[i][1]}" for i in range(1, len(toks)) if not toks[i][2]}
    return TermSet(frozenset(t[1] for t in toks), frozenset(t[0] for t in toks), frozenset(bigrams))


def merge(sets: Iterable[TermSet]) -> TermSet:
    """Union of term sets (a passage's heading path and title as context)."""
    folded: set[str] = set()
    accented: set[str] = set()
    bigrams: set[str] = set()
    for s in sets:
        folded |= s.folded
        accented |= s.accented
        bigrams |= s.bigrams
    return TermSet(frozenset(folded), frozenset(accented), frozenset(bigrams))


class TermStats:
    """Document frequencies of folded terms over the chunks of an index, computed once on first use.

    Exact up to ``sample_chunks`` chunks; a larger index is estimated from whole documents drawn at random
    (seeded) until that many chunks are read, so the first answer on a million chunks costs seconds, not
    the minutes a full scan takes, and the table stays small. IDF needs only relative frequencies.
    """

    def __init__(self, retriever: Retriever, sample_chunks: int = STATS_SAMPLE_CHUNKS) -> None:
        self._retriever = retriever
        self._sample_chunks = sample_chunks
        self._lock = threading.Lock()
        self._df: Counter[str] | None = None
        self._n = 0
        self._restorer = Restorer()

    def _ensure(self) -> Counter[str]:
        with self._lock:
            if self._df is None:
                df: Counter[str] = Counter()
                n = 0
                documents = list(self._retriever.documents())
                if self._retriever.info.chunks > self._sample_chunks:
                    random.Random(0).shuffle(documents)
                for doc in documents:
                    if n >= self._sample_chunks:
                        break
                    for chunk in self._retriever.chunks_of(doc.doc_id):
                        toks = word_tokens(chunk.text)
                        terms = _term_set(toks)
                        df.update(terms.folded)
                        df.update(terms.bigrams)
                        self._restorer.add(toks)
                        n += 1
                if n > _PRUNE_ABOVE:
                    self._restorer.prune(2)
                self._df, self._n = df, max(n, 1)
            return self._df

    @property
    def restorer(self) -> Restorer:
        """Spelling statistics of the same chunks (:mod:`service.answer.restore`)."""
        self._ensure()
        return self._restorer

    def idf(self, key: str) -> float:
        """log((N + 1) / (df + 0.5)); highest for a term no chunk contains."""
        df = self._ensure()
        return max(0.05, math.log((self._n + 1) / (df.get(key, 0) + 0.5)))


def _spelt(syllables: tuple[str, ...], terms: TermSet) -> bool:
    return all(f"{a} {b}" in terms.bigrams for a, b in itertools.pairwise(syllables))


@dataclass(frozen=True, slots=True)
class Word:
    """One topic word: its syllables (folded; accented when the question has marks) and weight."""

    folded: tuple[str, ...]
    accented: tuple[str, ...] | None
    weight: float
    phrase: bool = False  # a pair across a word boundary: a ranking bonus, not part of coverage
    # Other kinds of the same thing ("bảo hiểm y tế" for "bảo hiểm xã hội"): a sentence that names one of
    # them, and not this word whole, is about something else.
    rivals: tuple[tuple[str, ...], ...] = ()

    def share(self, terms: TermSet) -> float:
        """How much of the word ``terms`` contains: 0/1 for a syllable, the share of its syllable pairs else."""
        if len(self.folded) == 1:
            if self.accented is not None and self.accented[0] != self.folded[0]:
                return float(self.accented[0] in terms.accented)
            return float(self.folded[0] in terms.folded)
        pairs = len(self.folded) - 1
        hits = 0
        for i in range(pairs):
            if f"{self.folded[i]} {self.folded[i + 1]}" not in terms.bigrams:
                continue
            if self.accented is not None and not (
                self.accented[i] in terms.accented and self.accented[i + 1] in terms.accented
            ):
                continue
            hits += 1
        if hits < pairs and any(_spelt(rival, terms) for rival in self.rivals):
            return 0.0
        return hits / pairs


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """A topic's weighted words."""

    words: tuple[Word, ...]

    @property
    def total(self) -> float:
        """Sum of the weights of the words (phrase pairs aside)."""
        return sum(w.weight for w in self.words if not w.phrase)

    @property
    def empty(self) -> bool:
        """True when the topic has no content words."""
        return not any(not w.phrase for w in self.words)


def query_terms(topic: str, stats: TermStats, *, accented: bool) -> QueryTerms:
    """Weighted words of a question topic (stopwords out).

    Dictionary words; a compound weighs its rarest syllable pair. Without diacritics the words are found on
    the spelling the corpus suggests (:func:`service.answer.words.segment_folded`) and matched folded; a pair of neighbouring
    syllables that no known word explains counts as a two-syllable word, so that an unrelated use of one
    syllable ("Rạp Chiếu phim" for "ho chieu") does not pass for it.
    """

    def stop(tok: tuple[str, str, bool]) -> bool:
        if accented:
            return tok[0] in STOPWORDS
        # Without diacritics the first slot holds the restored spelling (words.segment_folded).
        return tok[1] in _FOLDED_STOPWORDS or (tok[0] != tok[1] and tok[0] in STOPWORDS)

    words: dict[tuple[str, ...], Word] = {}
    segmented = segment(topic, accented) if accented else segment_folded(topic, stats.restorer)
    kinds = default_glossary().kinds_of
    segmented = join_terms(segmented, kinds)
    in_word: set[int] = set()  # positions (in the flat token list) inside a word of two syllables or more
    position = 0
    for toks in segmented:
        if len(toks) > 1:
            in_word.update(range(position, position + len(toks)))
        position += len(toks)
        if len(toks) == 1 and stop(toks[0]):
            continue
        folded = tuple(t[1] for t in toks)
        if folded in words:
            continue
        marks = tuple(t[0] for t in toks) if accented else None
        if len(folded) == 1:
            weight = stats.idf(folded[0])
        else:
            weight = max(stats.idf(f"{a} {b}") for a, b in itertools.pairwise(folded))
        rivals = tuple(k for k in kinds if k[:2] == folded[:2] and k != folded and not set(folded) <= set(k))
        words[folded] = Word(folded, marks, weight, rivals=rivals if folded in kinds else ())
    # Neighbouring syllables across word boundaries: the phrase as asked ("nhà ở xã hội" over "nhà ở" and
    # "xã hội" apart). They only rank sentences that keep the question's wording above paraphrases,
    # except, without diacritics, between syllables no known word explains ("ho chieu" when the corpus has
    # no "hộ chiếu"): there the pair is the only trace of a word and counts fully.
    flat = [t for toks in segmented for t in toks]
    for i, (prev, tok) in enumerate(itertools.pairwise(flat)):
        if tok[2] or stop(prev) or stop(tok):
            continue
        pair = (prev[1], tok[1])
        if pair not in words:
            marks = (prev[0], tok[0]) if accented else None
            phrase = accented or i in in_word or i + 1 in in_word
            words[pair] = Word(pair, marks, stats.idf(f"{pair[0]} {pair[1]}"), phrase=phrase)
    return QueryTerms(tuple(words.values()))


@lru_cache(maxsize=20000)
def standalone_syllables(text: str) -> frozenset[str]:
    """Syllables that stand as one-syllable words in ``text`` (pyvi), in accented and folded form.

    "vàng" in "vững vàng" is part of a word, so a question about "vàng" (gold) does not match it.
    """
    try:
        from pyvi import ViTokenizer
    except ImportError:  # pragma: no cover
        return frozenset(t for tok in tokens(text) for t in tok[:2])
    out: set[str] = set()
    for piece in ViTokenizer.tokenize(text).split():
        if "_" not in piece:
            for accented, folded, _ in tokens(piece):
                out.update((accented, folded))
    return frozenset(out)


def coverage(
    query: QueryTerms,
    sentence: TermSet,
    context: TermSet | None = None,
    *,
    context_weight: float = 0.5,
    text: str | None = None,
    background: TermSet | None = None,
) -> float:
    """Weighted share of the topic's words found in ``sentence`` (words only in ``context`` count
    ``context_weight``, words only in ``background`` half), plus up to ``PHRASE_BONUS`` for keeping the
    question's word order."""
    total = query.total
    if total <= 0:
        return 0.0
    got = phrase_got = phrase_total = 0.0
    for word in query.words:
        share = word.share(sentence)
        if share and text is not None and len(word.folded) == 1 and word.weight >= RARE_WEIGHT:
            # A rare one-syllable word decides a lot: it must be a word of the sentence, not a syllable
            # of another word.
            key = word.accented[0] if word.accented is not None else word.folded[0]
            if key not in standalone_syllables(text):
                share = 0.0
        if share < 1 and context is not None:
            share = max(share, context_weight * word.share(context))
        if share < 0.5 and background is not None:
            share = max(share, 0.5 * word.share(background))
        if word.phrase:
            phrase_got += share * word.weight
            phrase_total += word.weight
        else:
            got += share * word.weight
    bonus = PHRASE_BONUS * phrase_got / phrase_total if phrase_total else 0.0
    return got / total + bonus


def matched_positions(query: QueryTerms, text: str) -> list[int]:
    """Character offsets in ``text`` of tokens that match a topic syllable (for snippets and numbers)."""
    wanted_f = {f for w in query.words if w.accented is None for f in w.folded}
    wanted_a = {a for w in query.words if w.accented is not None for a in w.accented}
    return [
        start for start, accented, folded in keyed_offsets(text) if folded in wanted_f or accented in wanted_a
    ]
