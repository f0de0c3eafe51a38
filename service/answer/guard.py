"""Text inside documents that speaks to a machine ("bỏ qua mọi hướng dẫn trước ...") is not evidence.

Documents are data. A sentence that addresses an assistant or tries to override instructions says nothing
about who does what in a plan; it is left out of the evidence of both answerers (the generative prompt
still shows the passage, inside its data block).
"""

from __future__ import annotations

import re

from corpus.agency_tokens import aligned_fold

__all__ = ["looks_like_injection"]

_PATTERNS = re.compile(
    r"(?<![^\W_])(?:"
    r"bo\s+qua\s+(?:moi|tat\s+ca|cac|nhung)?\s*(?:huong\s+dan|chi\s+dan|chi\s+thi|yeu\s+cau|lenh|quy\s+tac)"
    r"|(?:loi\s+nhac|chi\s+dan)\s+he\s+thong|tiet\s+lo\s+(?:loi\s+nhac|chi\s+dan|cau\s+lenh)"
    r"|ban\s+(?:la|hay\s+dong\s+vai)\s+(?:mot\s+)?(?:tro\s+ly|tri\s+tue\s+nhan\s+tao|chatbot|mo\s+hinh)"
    r"|ignore\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier)?\s*(?:instructions|prompts?|rules)"
    r"|disregard\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above)|system\s+prompt"
    r"|you\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|chatbot|language\s+model)"
    r")(?![^\W_])"
)


def looks_like_injection(text: str) -> bool:
    """True when ``text`` tries to instruct a language model."""
    return _PATTERNS.search(aligned_fold(text)) is not None
