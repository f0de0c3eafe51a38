"""Load QA sets in both formats `tracuu eval` reads, detected per line.

* Plans (``shared/eval/dev.jsonl``): ``{"id", "question", "type", "variant", "answers", "answers_all"?,
  "evidence", "abstain"}``.
* ALQAC (``shared/external/alqac2023/*.jsonl``): ``{"id", "question", "question_type"?,
  "gold": [{"document", "file", "article"}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

__all__ = ["GoldArticle", "QAFormatError", "QAItem", "load_qa", "parse_qa_lines"]

QAFormat = Literal["plans", "alqac"]


class QAFormatError(ValueError):
    """A QA file that cannot be read; the message names the file, the line and what is wrong."""


class GoldArticle(BaseModel):
    """One gold article of an ALQAC question."""

    document: str = ""
    file: str
    article: str


class QAItem(BaseModel):
    """One question of either format, in a single shape the harness works with."""

    id: str
    question: str
    format: QAFormat
    type: str = Field(description="Plans: question type; ALQAC: question_type (or 'legal')")
    variant: str = Field(default="plain", description="plain, no_diacritics, abbreviation, english, ...")
    answers: list[str] = Field(default_factory=list, description="Aliases; any one must appear")
    answers_all: list[str] = Field(default_factory=list, description="All must appear")
    evidence: list[str] = Field(default_factory=list, description="Verbatim quotes; any one marks relevance")
    abstain: bool = False
    gold: list[GoldArticle] = Field(default_factory=list)

    @property
    def answerable(self) -> bool:
        """True when the question has an answer in the corpus."""
        return not self.abstain

    @property
    def has_answer_key(self) -> bool:
        """True when answer accuracy can be scored (plans format, answerable)."""
        return self.format == "plans" and not self.abstain and bool(self.answers or self.answers_all)

    @property
    def has_relevance(self) -> bool:
        """True when retrieval can be scored for this question."""
        return bool(self.evidence) if self.format == "plans" else bool(self.gold)


def _detect(obj: dict[str, Any]) -> QAFormat | None:
    if "gold" in obj:
        return "alqac"
    if "evidence" in obj or "answers" in obj or "abstain" in obj:
        return "plans"
    return None


def _item(obj: dict[str, Any]) -> QAItem:
    fmt = _detect(obj)
    if fmt == "alqac":
        return QAItem(
            id=str(obj["id"]),
            question=obj["question"],
            format="alqac",
            type=str(obj.get("question_type") or "legal"),
            variant=str(obj.get("variant") or "plain"),
            gold=[GoldArticle.model_validate(g) for g in obj["gold"]],
        )
    abstain = bool(obj.get("abstain", False))
    return QAItem(
        id=str(obj["id"]),
        question=obj["question"],
        format="plans",
        type=str(obj.get("type") or ("unanswerable" if abstain else "other")),
        variant=str(obj.get("variant") or "plain"),
        answers=list(obj.get("answers") or []),
        answers_all=list(obj.get("answers_all") or []),
        evidence=list(obj.get("evidence") or []),
        abstain=abstain,
    )


def parse_qa_lines(lines: Iterable[str], *, source: str = "<qa>") -> list[QAItem]:
    """Parse JSON lines (blank lines skipped); the format is detected for each line on its own."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QAFormatError(
                f"{where}: not valid JSON ({exc.msg}); each line must be one JSON object"
            ) from exc
        if not isinstance(obj, dict):
            raise QAFormatError(f"{where}: expected a JSON object, got {type(obj).__name__}")
        if _detect(obj) is None:
            raise QAFormatError(
                f"{where}: unknown QA format; a plans line has 'answers'/'evidence'/'abstain', "
                "an ALQAC line has 'gold'"
            )
        for key in ("id", "question"):
            if not isinstance(obj.get(key), str | int) or not str(obj.get(key)).strip():
                raise QAFormatError(f"{where}: missing or empty {key!r}")
        try:
            item = _item(obj)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc']) or 'value'}: {error['msg']}"
                for error in exc.errors()
            )
            raise QAFormatError(f"{where}: {problems}") from exc
        except (KeyError, TypeError) as exc:
            raise QAFormatError(f"{where}: bad or missing field ({exc})") from exc
        if item.id in seen:
            raise QAFormatError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    return items


def load_qa(path: Path) -> list[QAItem]:
    """Read a QA file of either format (mixed files allowed); raise :class:`QAFormatError` on bad input."""
    if not path.is_file():
        raise QAFormatError(f"QA file not found: {path} (pass an existing .jsonl file with --qa)")
    with path.open(encoding="utf-8") as handle:
        items = parse_qa_lines(handle, source=str(path))
    if not items:
        raise QAFormatError(f"{path}: no questions found")
    return items
