"""Which answerer the service uses: extractive by default, generative when an LLM endpoint is configured."""

from __future__ import annotations

from index.api import Retriever
from service.answer.base import Answerer
from service.answer.extractive import ExtractiveAnswerer
from service.settings import Settings

__all__ = ["create_answerer"]


def create_answerer(retriever: Retriever, settings: Settings) -> Answerer:
    """An answerer over ``retriever``: generative if ``settings.llm_base_url`` is set (falling back to the
    extractive answer on any model error), extractive otherwise. Cheap: nothing is loaded until used."""
    extractive = ExtractiveAnswerer(retriever, settings=settings)
    if settings.llm_base_url:
        from service.answer.generative import GenerativeAnswerer

        return GenerativeAnswerer(retriever, settings=settings, fallback=extractive)
    return extractive
