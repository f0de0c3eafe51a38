"""When to say "not found": a calibrated threshold on the evidence score, per question kind.

The evidence score of an answer is the IDF-weighted share of the question's topic terms found in the
sentence it cites (terms met only in the section heading or document title count half), plus hard,
kind-specific requirements checked by the strategies themselves (a number question needs a number with the
asked unit, a "who" question a sentence that assigns the work to an agency, a document fact a value the
document states). One threshold serves every kind: on the dev set answerable questions score 0.71 and
above, unanswerable ones 0.14 and below (:func:`calibrate` puts the cut at 0.43); hand-written probe
questions over the same plans narrowed the gap to 0.45 - 0.67 (:func:`calibrate`: 0.56), hence 0.55.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_THRESHOLDS", "NOT_FOUND", "Calibration", "Thresholds", "calibrate", "not_found_text"]

NOT_FOUND = "Không tìm thấy thông tin {what}trong các văn bản hiện có."


@dataclass(frozen=True)
class Thresholds:
    """Minimum evidence score per question kind."""

    responsible: float = 0.55
    tasks: float = 0.55
    list: float = 0.55
    number: float = 0.55
    deadline: float = 0.55
    section: float = 0.55
    metadata: float = 0.0  # a document fact is either stated (and cited) or not: no score to weigh
    documents: float = 0.6  # a list of documents is certain; "which plans are about X" is answered as other
    other: float = 0.6  # no kind-specific requirement backs these up

    def for_kind(self, kind: str) -> float:
        """Threshold of one kind (``other`` when unknown)."""
        return float(getattr(self, kind, self.other))


DEFAULT_THRESHOLDS = Thresholds()


def not_found_text(topic: str = "") -> str:
    """The plain Vietnamese "not found" answer, naming what was looked for when known."""
    topic = " ".join(topic.split()).strip(" ?.,;:")
    what = f"về “{topic}” " if 0 < len(topic) <= 120 else ""
    return NOT_FOUND.format(what=what)


@dataclass(frozen=True)
class Calibration:
    """A threshold and how it does on the points it was chosen from."""

    threshold: float
    precision: float
    recall: float
    abstain_precision: float
    abstain_recall: float


def _rates(points: Sequence[tuple[float, bool]], threshold: float) -> Calibration:
    answered = [(s, ok) for s, ok in points if s >= threshold]
    abstained = [(s, ok) for s, ok in points if s < threshold]
    answerable = sum(1 for _, ok in points if ok)
    unanswerable = len(points) - answerable
    tp = sum(1 for _, ok in answered if ok)
    tn = sum(1 for _, ok in abstained if not ok)
    return Calibration(
        threshold,
        precision=tp / len(answered) if answered else 1.0,
        recall=tp / answerable if answerable else 1.0,
        abstain_precision=tn / len(abstained) if abstained else 1.0,
        abstain_recall=tn / unanswerable if unanswerable else 1.0,
    )


def calibrate(points: Iterable[tuple[float, bool]]) -> Calibration:
    """Threshold that best separates answerable (True) from unanswerable (False) evidence scores.

    Among thresholds with the fewest errors, the one in the middle of the widest gap between scores is
    chosen, so that a question scoring near the boundary on unseen data is not decided by a hair.
    """
    pts = sorted(points)
    if not pts:
        return _rates([], 0.5)
    scores = sorted({s for s, _ in pts})
    candidates = [scores[0] - 0.05] + [(a + b) / 2 for a, b in itertools.pairwise(scores)]
    candidates.append(scores[-1] + 0.05)

    def errors(t: float) -> int:
        return sum(1 for s, ok in pts if (s >= t) != ok)

    best = min(errors(t) for t in candidates)
    tied = [t for t in candidates if errors(t) == best]

    def gap(t: float) -> float:
        below = max((s for s in scores if s < t), default=t - 1)
        above = min((s for s in scores if s >= t), default=t + 1)
        return min(t - below, above - t)

    return _rates(pts, max(tied, key=gap))
