"""One typed settings object for the whole service, read once from ``TRACUU_*`` variables (and ``PORT``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration of tracuu. Every field can be set with ``TRACUU_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="TRACUU_", env_file=".env", extra="ignore")

    # Data locations.
    index_dir: Path = Field(default=Path("var/index"), description="Index root (versions live below it)")
    corpus_dir: Path = Field(default=REPO_ROOT / "corpus" / "documents", description="Documents to index")

    # Retrieval.
    model: str | None = Field(
        default=None,
        description=(
            "sentence-transformers model name or local path for hybrid search; 'builtin-lsa' for the "
            "built-in offline encoder; unset = lexical-only search (the measured best without a model)"
        ),
    )
    reranker: str | None = Field(
        default=None,
        description=(
            "cross-encoder model name or local path that reorders the top passages of each search "
            "(e.g. BAAI/bge-reranker-v2-m3); unset = no reranking"
        ),
    )
    top_k: int = Field(default=10, ge=1, le=100, description="Default number of passages returned")
    max_top_k: int = Field(default=50, ge=1, le=1000)
    max_query_chars: int = Field(default=2000, ge=10, description="Longer queries are rejected with 422")

    # Answers.
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint; unset = extractive only"
    )
    llm_model: str = Field(default="gpt-4o-mini")
    llm_api_key: str | None = Field(default=None)
    llm_timeout_s: float = Field(default=20.0, gt=0)

    # Service.
    host: str = Field(default="127.0.0.1")
    port: int = Field(default=8000, validation_alias=AliasChoices("PORT", "TRACUU_PORT"))
    # NoDecode: these are read as comma-separated lists, not JSON.
    admin_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Bearer keys for admin calls (comma-separated)"
    )
    client_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Optional client API keys (comma-separated)"
    )
    require_client_key: bool = Field(
        default=False, description="Reject /search and /ask without a client key"
    )
    rate_limit_per_minute: int = Field(default=120, ge=1, description="Per client key")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Portal origins allowed by CORS"
    )
    max_upload_mb: float = Field(default=20.0, gt=0)
    log_questions: bool = Field(default=False, description="Whether question text appears in logs")
    log_level: str = Field(default="INFO")

    @field_validator("admin_keys", "client_keys", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
