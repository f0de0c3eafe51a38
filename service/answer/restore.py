"""Diacritics put back on a question typed without them, from the corpus's own spelling.

Officials often type "ai chu tri cong tac cai cach hanh chinh". Without marks the word boundaries are
unknown ("cong tac | cai cach | hanh chinh"), so every pair of neighbouring syllables had to count as a
word and a sentence that words the topic a little differently ("cải cách hành chính" alone) fell short.
:class:`Restorer` learns from the indexed chunks which accented syllable each folded one usually is and
which accented pairs follow each other, and picks the likeliest spelling of a question (a bigram model
decoded with Viterbi). The spelling is only used to find words (pyvi segments the restored text); matching
stays on folded syllables, so a wrong guess costs a word boundary, never a match.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

__all__ = ["Restorer"]

#: Accented forms of one folded syllable considered when restoring (the most frequent ones).
MAX_FORMS = 5
#: Weight of the unigram model in the interpolated bigram model (add-k smoothing towards it).
SMOOTHING = 1.0
#: Share of the rarer syllable's occurrences a pair must account for to count as a word (:meth:`bound`).
BOUND_SHARE = 0.5

Token = tuple[
    str, str, bool
]  # (accented key, folded key, starts a clause), as service.answer.evidence.tokens


class Restorer:
    """Spelling statistics of a corpus: accented forms per folded syllable, accented pair counts."""

    def __init__(self) -> None:
        self._spellings: Counter[tuple[str, str]] = Counter()  # (folded, accented) → count
        self._forms_of: dict[str, list[str]] | None = None  # folded → accented forms, most frequent first
        self._unigrams: Counter[str] = Counter()
        self._pairs: Counter[tuple[str, str]] = Counter()
        self._total = 0

    def add(self, toks: Sequence[Token]) -> None:
        """Count the syllables and neighbouring pairs (inside a clause) of one text."""
        # Counter.update over iterables counts in C: this runs over every sampled chunk of an index.
        self._spellings.update((folded, accented) for accented, folded, _ in toks)
        self._unigrams.update(accented for accented, _, _ in toks)
        self._pairs.update((a[0], b[0]) for a, b in itertools.pairwise(toks) if not b[2])
        self._total += len(toks)
        self._forms_of = None

    def prune(self, min_count: int) -> None:
        """Forget pairs seen fewer than ``min_count`` times (bounds memory on large corpora)."""
        self._pairs = Counter({pair: n for pair, n in self._pairs.items() if n >= min_count})

    def seen(self, first: str, second: str) -> bool:
        """Whether the accented pair occurs in the corpus."""
        return self._pairs.get((first, second), 0) > 0

    def bound(self, first: str, second: str) -> bool:
        """Whether an accented pair behaves as one word in the corpus: it accounts for at least half the
        occurrences of the rarer of its syllables ("vắc xin"), which a chance neighbour does not."""
        pair = self._pairs.get((first, second), 0)
        rarer = min(self._unigrams.get(first, 0), self._unigrams.get(second, 0))
        return pair > 0 and pair >= BOUND_SHARE * rarer

    def join_bound(self, words: list[list[Token]]) -> list[list[Token]]:
        """Segmented ``words`` (accented tokens) with two neighbouring one-syllable words that the corpus
        writes as one (:meth:`bound`, e.g. "vắc xin", unknown to the segmenter) joined, left to right."""
        out: list[list[Token]] = []
        for word in words:
            last = out[-1] if out else None
            if (
                last
                and len(last) == 1
                and len(word) == 1
                and not word[0][2]
                and self.bound(last[0][0], word[0][0])
            ):
                out[-1] = [last[0], word[0]]
            else:
                out.append(word)
        return out

    def restore(self, toks: Sequence[Token]) -> list[str]:
        """The likeliest accented spelling of each token; tokens with marks, or never seen, are kept."""
        out: list[str] = []
        clause: list[Token] = []
        for tok in toks:
            if tok[2] and clause:
                out += self._decode(clause)
                clause = []
            clause.append(tok)
        if clause:
            out += self._decode(clause)
        return out

    def _candidates(self, tok: Token) -> list[str]:
        accented, folded, _ = tok
        if self._forms_of is None:
            forms_of: dict[str, list[str]] = {}
            for (key, form), _count in self._spellings.most_common():
                forms_of.setdefault(key, []).append(form)
            self._forms_of = forms_of
        forms = self._forms_of.get(folded)
        if accented != folded or not forms:
            return [accented]
        return forms[:MAX_FORMS]

    def _unigram(self, form: str) -> float:
        return (self._unigrams.get(form, 0) + 0.5) / (self._total + 1.0)

    def _transition(self, prev: str, form: str) -> float:
        pair = self._pairs.get((prev, form), 0)
        return math.log((pair + SMOOTHING * self._unigram(form)) / (self._unigrams.get(prev, 0) + SMOOTHING))

    def _decode(self, clause: Sequence[Token]) -> list[str]:
        """Viterbi over the candidates of one clause."""
        lattice = [self._candidates(tok) for tok in clause]
        best = {form: (math.log(self._unigram(form)), [form]) for form in lattice[0]}
        for forms in lattice[1:]:
            step: dict[str, tuple[float, list[str]]] = {}
            for form in forms:
                score, path = max(
                    ((s + self._transition(prev, form), p) for prev, (s, p) in best.items()),
                    key=lambda item: item[0],
                )
                step[form] = (score, [*path, form])
            best = step
        return max(best.values(), key=lambda item: item[0])[1]
