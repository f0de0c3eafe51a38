"""A full rebuild while clients keep asking: not one failed request, and the job ends "done"."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
import pytest

from tests.service.checks import DocumentTexts, check_passage
from tests.service.live import LiveServer

pytestmark = [pytest.mark.server, pytest.mark.slow]

QUERIES = [
    "Sở nào chịu trách nhiệm về nhà ở xã hội?",
    "so nao phu trach nuoc sach nong thon o ninh thuan",
    "Kế hoạch 208/KH-UBND Tuyên Quang",
    "hỗ trợ doanh nghiệp, hợp tác xã",
]
JOB_TIMEOUT_S = 600.0


class Load:
    """Client threads that query in a loop and record every failure."""

    def __init__(self, live: LiveServer, texts: dict[str, str]) -> None:
        self.live = live
        self.texts = texts
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _record(self, kind: str, failure: str | None) -> None:
        with self._lock:
            self.counts[kind] += 1
            if failure:
                self.failures.append(f"{kind}: {failure}")

    def _search(self, client: httpx.Client, i: int) -> str | None:
        response = client.post("/search", json={"query": QUERIES[i % len(QUERIES)], "top_k": 5})
        if response.status_code != 200:
            return f"{response.status_code} {response.text[:200]}"
        results = response.json()["results"]
        if not results:
            return "no results"
        for passage in results:
            text = self.texts[passage["doc_id"]]
            if text[passage["start"] : passage["end"]] != passage["text"]:
                return f"offsets of {passage['chunk_id']} do not match the document text"
        return None

    def _other(self, client: httpx.Client, i: int) -> str | None:
        if i % 2:
            response = client.post("/ask", json={"question": QUERIES[i % len(QUERIES)]})
        else:
            response = client.get("/documents")
        if response.status_code != 200:
            return f"{response.status_code} {response.text[:200]}"
        return None

    def run(self, kind: str) -> None:
        step = self._search if kind == "search" else self._other
        with self.live.client() as client:
            i = 0
            while not self.stop.is_set():
                try:
                    failure = step(client, i)
                except Exception as exc:  # a transport error is a failed request too
                    failure = repr(exc)
                self._record(kind, failure)
                i += 1

    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())


def test_rebuild_under_load(api: httpx.Client, live_server: LiveServer) -> None:
    documents = api.get("/documents").json()["documents"]
    reader = DocumentTexts(api)
    texts = {d["doc_id"]: reader.text(d["doc_id"]) for d in documents}
    version_before = api.get("/readyz").json()["index_version"]

    load = Load(live_server, texts)
    threads = [threading.Thread(target=load.run, args=(kind,), daemon=True) for kind in ("search", "other")]
    for thread in threads:
        thread.start()
    try:
        while load.total() < 4:
            time.sleep(0.05)
        started = api.post("/index/rebuild", headers=live_server.admin_headers)
        assert started.status_code == 202, started.text
        job_id = started.json()["job_id"]
        assert started.headers["location"] == f"/jobs/{job_id}"
        before_swap = load.total()
        deadline = time.monotonic() + JOB_TIMEOUT_S
        status = "running"
        while status == "running" and time.monotonic() < deadline:
            time.sleep(0.2)
            job = api.get(f"/jobs/{job_id}")
            assert job.status_code == 200
            status = job.json()["status"]
        during = load.total() - before_swap
        after_swap = load.total()
        while load.total() < after_swap + 4:  # and a few more on the new index
            time.sleep(0.05)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=120)

    assert status == "done", api.get(f"/jobs/{job_id}").json()
    assert load.failures == []
    assert api.get("/readyz").json()["index_version"] != version_before
    assert [d["doc_id"] for d in api.get("/documents").json()["documents"]] == [
        d["doc_id"] for d in documents
    ]
    for passage in api.post("/search", json={"query": QUERIES[0]}).json()["results"]:
        check_passage(passage, reader)
    print(f"rebuild under load: {dict(load.counts)} requests, {during} during the rebuild, 0 failed")
