"""Schemathesis against the server's own OpenAPI document: no 5xx, and every response conforms to it.

The document is the one the live server serves (checked below); it is made from an app with the same
settings at import time because schemathesis parametrizes tests at collection. Bounded: a fixed number of
generated cases per operation besides the schema's examples and the coverage phase's boundary cases,
derandomized so a run is reproducible. Admin operations are fuzzed without credentials (they must answer
401, as documented), so the shared corpus is never changed.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.api.app import create_app
from tests.service.live import LiveServer, live_settings

pytestmark = [pytest.mark.server, pytest.mark.slow]

MAX_EXAMPLES = 15
FUZZ_CONFIG = {
    "generation": {"max-examples": MAX_EXAMPLES},
    "phases": {"stateful": {"enabled": False}},
    "request-timeout": 60.0,
}

# Same settings as the live server except folders and port, which the document does not mention.
OPENAPI = create_app(live_settings(Path("unused-corpus"), Path("unused-index"), 8000)).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI, config=schemathesis.Config.from_dict(FUZZ_CONFIG))


def test_fuzzed_document_is_the_served_one(api: httpx.Client) -> None:
    assert api.get("/openapi.json").json() == OPENAPI


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case: schemathesis.Case, live_server: LiveServer) -> None:
    case.call_and_validate(base_url=live_server.url)
