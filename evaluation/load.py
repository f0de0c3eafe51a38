"""Load generator for a running tracuu server, on loopback only.

    python -m evaluation.load --url http://127.0.0.1:8000 --seconds 60 --clients 32 [--endpoints search,ask]
        [--rebuild-key KEY] [--pid PID]

Without ``--url`` it starts its own server (``python -m service.cli serve``) on a free loopback port, measures
it and stops it. ``--clients`` concurrent clients send ``POST /search`` / ``POST /ask`` with real questions
until ``--seconds`` or ``--max-requests`` is reached. It reports throughput, latency p50/p95/p99, errors and
the server's resident memory (``/proc/<pid>/status``) when its pid is known. With ``--rebuild-key`` (or
``--rebuild`` for a self-started server) it triggers ``POST /index/rebuild`` mid-run, waits for the job and
fails (exit 1) when any request failed: a rebuild must be invisible to users.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from evaluation.metrics import percentile

__all__ = ["LoadResult", "check_loopback", "default_questions", "main", "run_load"]

REPO = Path(__file__).resolve().parent.parent
DEV_QA = REPO.parent / "shared" / "eval" / "dev.jsonl"
MAX_SECONDS = 3600.0
MAX_CLIENTS = 256
# Used when the dev set is not at hand: plain, unaccented and English questions.
FALLBACK_QUESTIONS = (
    "Sở nào chịu trách nhiệm về nhà ở xã hội?",
    "so nao tham muu chuong trinh phong chong dich covid o lang son",
    "Ai chủ trì xây dựng kế hoạch di dời các cơ sở sản xuất công nghiệp gây ô nhiễm?",
    "Mục tiêu tỷ lệ thôn, phố có nhà văn hóa ở Văn Quan là bao nhiêu?",
    "Which department is responsible for social housing?",
    "Kế hoạch 46/KH-UBND của tỉnh Lạng Sơn",
    "ai phu trach mo cua truong hoc an toan",
    "chính sách hỗ trợ tiền thuê nhà cho người lao động",
)


class LoadError(ValueError):
    """Arguments the load generator refuses (non-loopback URL, unbounded run)."""


def check_loopback(url: str) -> httpx.URL:
    """Parse ``url`` and refuse anything but http(s) on a loopback address."""
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https"):
        raise LoadError(f"{url}: only http:// or https:// URLs are supported")
    host = parsed.host
    if host == "localhost":
        return parsed
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LoadError(f"{url}: the load generator only targets loopback (127.0.0.0/8, ::1, localhost)")
    return parsed


def default_questions(path: Path = DEV_QA) -> list[str]:
    """Questions of the dev set when present, else a built-in list."""
    if path.is_file():
        questions = [
            json.loads(line)["question"] for line in path.read_text("utf-8").splitlines() if line.strip()
        ]
        if questions:
            return questions
    return list(FALLBACK_QUESTIONS)


def rss_bytes(pid: int) -> int | None:
    """Resident set size of a process from ``/proc/<pid>/status`` (None when unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


@dataclass
class EndpointStats:
    """Latencies and failures of one endpoint."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def summary(self, seconds: float) -> dict[str, Any]:
        """Counts and percentiles in milliseconds."""
        ok = len(self.latencies)

        def ms(q: float) -> float | None:
            value = percentile(self.latencies, q)
            return None if value is None else round(value * 1000, 1)

        return {
            "requests": ok + self.errors,
            "ok": ok,
            "errors": self.errors,
            "throughput_rps": round(ok / seconds, 2) if seconds > 0 else None,
            "p50_ms": ms(50),
            "p95_ms": ms(95),
            "p99_ms": ms(99),
            "statuses": dict(sorted(self.statuses.items())),
        }


@dataclass
class LoadResult:
    """What a run measured."""

    url: str
    seconds: float
    clients: int
    endpoints: dict[str, EndpointStats]
    rss_samples: list[int] = field(default_factory=list)
    rebuild: dict[str, Any] | None = None
    error_examples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Failed requests over all endpoints."""
        return sum(s.errors for s in self.endpoints.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary."""
        total = EndpointStats()
        for stats in self.endpoints.values():
            total.latencies.extend(stats.latencies)
            total.errors += stats.errors
        return {
            "url": self.url,
            "seconds": round(self.seconds, 2),
            "clients": self.clients,
            "total": total.summary(self.seconds),
            "endpoints": {name: s.summary(self.seconds) for name, s in self.endpoints.items()},
            "server_rss_mb": {
                "start": round(self.rss_samples[0] / 2**20, 1),
                "max": round(max(self.rss_samples) / 2**20, 1),
                "end": round(self.rss_samples[-1] / 2**20, 1),
            }
            if self.rss_samples
            else None,
            "rebuild": self.rebuild,
            "error_examples": self.error_examples[:10],
        }


def _payload(endpoint: str, question: str) -> dict[str, Any]:
    return {"query": question, "top_k": 10} if endpoint == "search" else {"question": question}


async def _client(
    number: int,
    http: httpx.AsyncClient,
    endpoints: list[str],
    questions: list[str],
    result: LoadResult,
    deadline: float,
    budget: list[int],
) -> None:
    step = number
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        endpoint = endpoints[step % len(endpoints)]
        question = questions[(step * 7 + number) % len(questions)]
        step += 1
        stats = result.endpoints[endpoint]
        started = time.perf_counter()
        try:
            response = await http.post(f"/{endpoint}", json=_payload(endpoint, question))
        except httpx.HTTPError as exc:
            stats.errors += 1
            stats.statuses[type(exc).__name__] = stats.statuses.get(type(exc).__name__, 0) + 1
            result.error_examples.append(f"{endpoint}: {type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        key = str(response.status_code)
        stats.statuses[key] = stats.statuses.get(key, 0) + 1
        if response.status_code == 200:
            stats.latencies.append(elapsed)
        else:
            stats.errors += 1
            result.error_examples.append(f"{endpoint}: HTTP {response.status_code}: {response.text[:200]}")


async def _sample_rss(pid: int, result: LoadResult, deadline: float) -> None:
    while time.perf_counter() < deadline:
        value = rss_bytes(pid)
        if value is not None:
            result.rss_samples.append(value)
        await asyncio.sleep(0.5)


async def _rebuild(http: httpx.AsyncClient, key: str, delay: float, result: LoadResult, limit: float) -> None:
    await asyncio.sleep(delay)
    headers = {"Authorization": f"Bearer {key}"}
    started = time.perf_counter()
    info: dict[str, Any] = {"started_after_s": round(delay, 1)}
    result.rebuild = info
    response = await http.post("/index/rebuild", headers=headers)
    info["status_code"] = response.status_code
    if response.status_code != 202:
        info["status"] = "refused"
        info["detail"] = response.text[:300]
        return
    job_id = response.json()["job_id"]
    info["job_id"] = job_id
    while time.perf_counter() - started < limit:
        status = (await http.get(f"/jobs/{job_id}", headers=headers)).json()
        if status.get("status") in ("done", "failed"):
            info["status"] = status["status"]
            info["seconds"] = round(time.perf_counter() - started, 2)
            return
        await asyncio.sleep(0.5)
    info["status"] = "still running"


async def run_load(
    url: str,
    *,
    seconds: float = 60.0,
    clients: int = 32,
    endpoints: tuple[str, ...] = ("search", "ask"),
    questions: list[str] | None = None,
    max_requests: int = 1_000_000,
    pid: int | None = None,
    rebuild_key: str | None = None,
    timeout: float = 30.0,
) -> LoadResult:
    """Run the load for at most ``seconds`` and ``max_requests`` requests; see the module doc."""
    base = check_loopback(url)
    if not 0 < seconds <= MAX_SECONDS:
        raise LoadError(f"--seconds must be within (0, {MAX_SECONDS:.0f}]")
    if not 1 <= clients <= MAX_CLIENTS:
        raise LoadError(f"--clients must be within 1..{MAX_CLIENTS}")
    if not endpoints or any(e not in ("search", "ask") for e in endpoints):
        raise LoadError("--endpoints takes search and/or ask")
    result = LoadResult(str(base), seconds, clients, {e: EndpointStats() for e in endpoints})
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=str(base), timeout=timeout, limits=limits, trust_env=False) as http:
        started = time.perf_counter()
        deadline = started + seconds
        budget = [max_requests]
        tasks = [
            asyncio.create_task(
                _client(i, http, list(endpoints), questions or default_questions(), result, deadline, budget)
            )
            for i in range(clients)
        ]
        sampler = asyncio.create_task(_sample_rss(pid, result, deadline)) if pid is not None else None
        rebuild_task = None
        if rebuild_key:
            rebuild_task = asyncio.create_task(_rebuild(http, rebuild_key, seconds / 3, result, MAX_SECONDS))
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - started
        if sampler is not None:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
            value = rss_bytes(pid) if pid is not None else None
            if value is not None:
                result.rss_samples.append(value)
        if rebuild_task is not None:
            await rebuild_task
            info = result.rebuild or {}
            if "seconds" in info:
                # Only a swap that happened while clients were still sending proves anything.
                info["swap_during_load"] = info["started_after_s"] + info["seconds"] <= result.seconds
    return result


# Self-started server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    index_dir: Path | None, admin_key: str | None, ready_timeout: float = 600.0
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``tracuu serve`` on a free loopback port and wait until /readyz answers 200."""
    port = _free_port()
    env = dict(os.environ, TRACUU_HOST="127.0.0.1", PORT=str(port), TRACUU_LOG_LEVEL="WARNING")
    if admin_key:
        env["TRACUU_ADMIN_KEYS"] = admin_key
    command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if index_dir is not None:
        command += ["--index", str(index_dir)]
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    while time.monotonic() - started < ready_timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before it was ready")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/readyz", timeout=2.0, trust_env=False).status_code == 200:
                return process, url
        time.sleep(0.5)
    stop_server(process)
    raise RuntimeError(f"the server was not ready after {ready_timeout:.0f}s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start_server` (SIGTERM, then SIGKILL after 15 s)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _format(summary: dict[str, Any]) -> str:
    lines = [
        f"{summary['clients']} clients for {summary['seconds']} s against {summary['url']}",
        f"{'endpoint':8} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}",
    ]
    rows = {**summary["endpoints"], "total": summary["total"]}
    for name, row in rows.items():
        lines.append(
            f"{name:8} {row['requests']:>8} {row['errors']:>6} {row['throughput_rps'] or 0:>7} "
            f"{row['p50_ms'] or '-':>8} {row['p95_ms'] or '-':>8} {row['p99_ms'] or '-':>8}"
        )
    if summary["server_rss_mb"]:
        rss = summary["server_rss_mb"]
        lines.append(f"server RSS: {rss['start']} MB at start, {rss['max']} MB max, {rss['end']} MB at end")
    if summary["rebuild"]:
        lines.append(f"rebuild: {summary['rebuild']}")
    for example in summary["error_examples"]:
        lines.append(f"error: {example}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line; exit 1 when a rebuild run saw failed requests, 2 on refused arguments."""
    parser = argparse.ArgumentParser(prog="python -m evaluation.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="server on loopback (default: start one)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--endpoints", default="search,ask", help="comma-separated: search, ask")
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--pid", type=int, help="server pid, to report its resident memory")
    parser.add_argument("--rebuild-key", help="admin key: trigger POST /index/rebuild mid-run")
    parser.add_argument("--rebuild", action="store_true", help="self-started server: rebuild mid-run")
    parser.add_argument("--index", type=Path, help="index of the self-started server")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    endpoints = tuple(e.strip() for e in args.endpoints.split(",") if e.strip())
    process: subprocess.Popen[bytes] | None = None
    key = args.rebuild_key
    try:
        if args.url:
            url = str(check_loopback(args.url))
            pid = args.pid
        else:
            if args.rebuild and not key:
                key = secrets.token_urlsafe(24)
            process, url = start_server(args.index, key)
            pid = process.pid
        result = asyncio.run(
            run_load(
                url,
                seconds=args.seconds,
                clients=args.clients,
                endpoints=endpoints,
                max_requests=args.max_requests,
                pid=pid,
                rebuild_key=key,
            )
        )
    except LoadError as exc:
        print(f"evaluation.load: {exc}", file=sys.stderr)
        return 2
    finally:
        if process is not None:
            stop_server(process)
    summary = result.as_dict()
    print(json.dumps(summary, ensure_ascii=False, indent=2) if args.json else _format(summary))
    if key:
        rebuild = result.rebuild or {}
        if result.errors or rebuild.get("status") != "done":
            print(
                "FAIL: requests failed or the rebuild did not complete during the rebuild run",
                file=sys.stderr,
            )
            return 1
        if not rebuild.get("swap_during_load"):
            print(
                "WARNING: the rebuild finished after the load ended; run longer (--seconds)", file=sys.stderr
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
