"""Helpers of the answer tests: seed constants, offline settings, citation checks, a fake OpenAI-compatible
server app (a real HTTP server that records what it was sent and replies as told)."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from index.builder import build_index
from index.engine import SearchEngine
from service.answer.models import Answer
from service.settings import Settings

REPO = Path(__file__).resolve().parents[3]
SEEDS = REPO / "corpus" / "documents"
SHARED = Path(os.environ.get("TRACUU_SHARED_DIR", REPO.parent / "shared"))
DEV_QA = SHARED / "eval" / "dev.jsonl"

HAU_GIANG = "hau-giang-chi-thi-24-dich-vu-xa-hoi-do-thi"
LANG_SON = "lang-son-46-kh-ubnd-phuc-hoi-kinh-te"
NINH_THUAN = "ninh-thuan-1221-kh-ubnd-chinh-sach-xa-hoi"
TUYEN_QUANG = "tuyen-quang-208-kh-ubnd-ket-cau-ha-tang"
VAN_QUAN = "van-quan-xa-hoi-hoa-2024-2030"


def settings_for(**overrides: Any) -> Settings:
    """Offline defaults whatever the environment says, with ``overrides``."""
    values: dict[str, Any] = {"model": None, "llm_base_url": None, "llm_api_key": None}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def build(corpus: Path, root: Path) -> SearchEngine:
    build_index(corpus, root)
    return SearchEngine.open(root)


def assert_citations_valid(answer: Answer, engine: SearchEngine) -> None:
    """Every citation is a verbatim span inside a returned passage, and every marker has a citation."""
    by_chunk = {p.chunk_id: p for p in answer.passages}
    markers = {c.marker for c in answer.citations}
    assert sorted(markers) == list(range(1, len(markers) + 1))
    for citation in answer.citations:
        text = engine.document_text(citation.doc_id)
        assert text is not None
        assert text[citation.start : citation.end] == citation.quote
        passage = by_chunk[citation.chunk_id]
        assert passage.doc_id == citation.doc_id
        assert passage.start <= citation.start < citation.end <= passage.end
        assert f"[{citation.marker}]" in answer.answer
    used = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    assert used <= markers


# ------------------------------------------------------------------------------------ fake LLM server


@dataclass
class FakeLLM:
    """A real OpenAI-compatible chat endpoint on 127.0.0.1 that records requests and replies as told."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    respond: Callable[[dict[str, Any]], str] = lambda body: "KHÔNG TÌM THẤY"
    status: int = 200
    delay: float = 0.0

    def reset(self) -> None:
        self.requests.clear()
        self.respond = lambda body: "KHÔNG TÌM THẤY"
        self.status = 200
        self.delay = 0.0


def app_for(fake: FakeLLM) -> FastAPI:
    """The chat-completions app of a :class:`FakeLLM` (streaming and not)."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        fake.requests.append(body)
        if fake.delay:
            await asyncio.sleep(fake.delay)
        if fake.status != 200:
            return JSONResponse(
                {"error": {"message": "upstream exploded", "type": "server_error"}}, fake.status
            )
        reply = fake.respond(body)
        model = body.get("model", "fake")
        if body.get("stream"):

            async def events() -> Any:
                words = reply.split(" ")
                for i, word in enumerate(words):
                    piece = word if i == 0 else " " + word
                    delta = {"content": piece} if i else {"role": "assistant", "content": piece}
                    chunk = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                    }
                    yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
                done = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                yield f"data: {json.dumps(done)}\n\n"
                yield "data: [DONE]\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    return app
