"""Words of a question's topic: pyvi segmentation with diacritics, the corpus's spelling without them.

A topic typed with marks goes through pyvi's word segmenter, so that "hộ chiếu" is one word that only
matches as a whole. Typed without them, its likeliest spelling (:class:`service.answer.restore.Restorer`)
is segmented the same way and the marks dropped again. Either way a run of syllables spelling one of the
glossary's kinds of a thing ("bảo hiểm xã hội") becomes one word (:func:`join_terms`).
"""

from __future__ import annotations

import itertools

from service.answer.restore import Restorer
from service.answer.tokens import Token, tokens, word_tokens

__all__ = ["join_terms", "segment", "segment_folded"]


def segment(topic: str, accented: bool) -> list[list[Token]]:
    """Words of a topic as token lists. Text with diacritics goes through pyvi's word segmenter, so that
    "hộ chiếu" is one word that only matches as a whole; text without them is left in syllables."""
    if accented:
        try:
            from pyvi import ViTokenizer
        except ImportError:  # pragma: no cover - pyvi is a dependency; syllables still work without it
            ViTokenizer = None  # noqa: N806
        if ViTokenizer is not None:
            # pyvi re-spaces punctuation; take each word's tokens from the topic itself, which knows
            # where clauses break.
            flat = tokens(topic)
            j = 0
            out = []
            for piece in ViTokenizer.tokenize(topic).split():
                word = []
                for tok in tokens(piece.replace("_", " ")):
                    k = next((k for k in range(j, min(j + 4, len(flat))) if flat[k][1] == tok[1]), None)
                    if k is None:
                        word.append((tok[0], tok[1], True))
                    else:
                        word.append(flat[k])
                        j = k + 1
                if word:
                    out.append(word)
            return out
    return [[tok] for tok in tokens(topic)]


def join_terms(words: list[list[Token]], terms: frozenset[tuple[str, ...]]) -> list[list[Token]]:
    """``words`` with each run of syllables that spells one of ``terms`` made one word, however the
    segmenter cut it ("bảo hiểm | xã hội" → "bảo hiểm xã hội"), longest first, left to right."""
    flat = [tok for word in words for tok in word]
    group = [index for index, word in enumerate(words) for _ in word]
    longest = max((len(term) for term in terms), default=0)
    start, next_group = 0, len(words)
    while start < len(flat):
        for size in range(min(longest, len(flat) - start), 2, -1):
            run = flat[start : start + size]
            if tuple(t[1] for t in run) in terms and not any(t[2] for t in run[1:]):
                group[start : start + size] = [next_group] * size
                next_group += 1
                start += size
                break
        else:
            start += 1
    out: list[list[Token]] = []
    for position, tok in enumerate(flat):
        if position and group[position] == group[position - 1]:
            out[-1].append(tok)
        else:
            out.append([tok])
    return out


def segment_folded(topic: str, restorer: Restorer) -> list[list[Token]]:
    """Words of a topic typed without diacritics, as folded token lists.

    The topic's likeliest spelling (:class:`Restorer`) goes through the same segmenter as accented text; a
    word of several syllables is kept only when each of its accented pairs occurs in the corpus (a word
    the documents use), else its syllables stand alone. Marks are dropped again: matching stays folded.
    """
    flat = word_tokens(topic)  # "vac-xin" is one word, "vắc xin", not two clauses
    if not flat:
        return []
    spelled = restorer.restore(flat)
    restored = "".join(
        (", " if tok[2] and i else " ") + form
        for i, (tok, form) in enumerate(zip(flat, spelled, strict=True))
    )
    out: list[list[Token]] = []
    position = 0
    for word in restorer.join_bound(segment(restored.strip(), accented=True)):
        size = len(word)
        originals = flat[position : position + size]
        position += size
        if len(originals) < size:
            break
        known = size > 1 and all(restorer.seen(a[0], b[0]) for a, b in itertools.pairwise(word))
        # The restored spelling stays in the first slot: it tells a stopword ("ve" spelt "về") apart.
        spelt = [(restored_tok[0], tok[1], tok[2]) for restored_tok, tok in zip(word, originals, strict=True)]
        out.extend([spelt] if known else [[tok] for tok in spelt])
    out.extend([[tok] for tok in flat[position:]])
    return out
