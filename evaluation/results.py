"""Result models of an evaluation run (JSON-serializable, used by the report and the CLI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "AnswerBlock",
    "AnswerReport",
    "AnsweredQuestion",
    "ConfigReport",
    "EvalReport",
    "MetricBlock",
    "RankedQuestion",
]


class MetricBlock(BaseModel):
    """Retrieval metrics over a group of scored (answerable) questions."""

    n: int
    hit_at_1: float | None = None
    hit_at_5: float | None = None
    hit_at_10: float | None = None
    mrr_at_10: float | None = None
    ndcg_at_10: float | None = None


class RankedQuestion(BaseModel):
    """Retrieval outcome of one question under one configuration."""

    id: str
    type: str
    variant: str
    scored: bool
    first_relevant_rank: int | None = None
    reciprocal_rank: float = 0.0
    ndcg_at_10: float = 0.0
    top: list[str] = Field(default_factory=list, description="Ids of the retrieved chunks, best first")
    relevant_ranks: list[int] = Field(
        default_factory=list, description="1-based ranks of relevant chunks in top"
    )


class ConfigReport(BaseModel):
    """One retrieval configuration compared on the set."""

    name: str
    label: str
    kind: Literal["tracuu", "baseline"]
    available: bool = True
    note: str | None = None
    units: int | None = Field(default=None, description="Chunks the configuration searches over")
    median_unit_chars: float | None = Field(default=None, description="Median length of those chunks")
    median_returned_chars: float | None = Field(default=None, description="Median length of returned chunks")
    overall: MetricBlock | None = None
    by_type: dict[str, MetricBlock] = Field(default_factory=dict)
    by_variant: dict[str, MetricBlock] = Field(default_factory=dict)
    questions: list[RankedQuestion] = Field(default_factory=list)


class AnsweredQuestion(BaseModel):
    """Outcome of asking one question."""

    id: str
    type: str
    variant: str
    should_abstain: bool
    abstained: bool
    correct: bool | None = Field(default=None, description="None when the set has no answer key for it")
    citations: int = 0
    valid_citations: int = 0
    supported: bool | None = Field(default=None, description="A cited chunk holds gold evidence")
    answer: str = ""
    error: str | None = None


class AnswerBlock(BaseModel):
    """Answer metrics over a group of questions."""

    n: int
    scored: int = Field(description="Questions with an answer key")
    accuracy: float | None = None


class AnswerReport(BaseModel):
    """Answer quality of the default configuration."""

    answerer: str | None = None
    overall: AnswerBlock
    by_type: dict[str, AnswerBlock] = Field(default_factory=dict)
    by_variant: dict[str, AnswerBlock] = Field(default_factory=dict)
    abstention_precision: float | None = None
    abstention_recall: float | None = None
    correct_abstentions: int = 0
    false_abstentions: int = Field(default=0, description="Abstained on an answerable question")
    missed_abstentions: int = Field(default=0, description="Answered an unanswerable question")
    citations: int = 0
    valid_citations: int = 0
    citation_validity: float | None = None
    support_scored: int = 0
    citation_support: float | None = None
    errors: int = 0
    questions: list[AnsweredQuestion] = Field(default_factory=list)


class EvalReport(BaseModel):
    """Everything one `tracuu eval` run measured."""

    qa_file: str
    formats: list[str]
    questions: int
    answerable: int
    scored: int = Field(description="Answerable questions whose retrieval can be judged")
    k: int = 10
    index: dict[str, str | int | None] = Field(default_factory=dict)
    default_config: str = "lexical"
    configs: list[ConfigReport] = Field(default_factory=list)
    answers: AnswerReport | None = None

    def config(self, name: str) -> ConfigReport:
        """The configuration named ``name``."""
        for config in self.configs:
            if config.name == name:
                return config
        raise KeyError(f"no configuration {name!r} in this report")
