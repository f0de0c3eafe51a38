"""Soak test: steady load, load during a full rebuild, and server memory over many requests.

    python -m evaluation.soak [--seconds 60] [--clients 32] [--requests 10000] [--corpus DIR] [--json FILE]

Starts its own ``tracuu serve`` on a free loopback port over a temporary copy of the corpus (so the
rebuild never touches ``var/index``), then runs three phases with :func:`evaluation.load.run_load`:

1. ``steady``: ``--clients`` concurrent clients on ``/search`` and ``/ask`` for ``--seconds``.
2. ``rebuild``: the same, with ``POST /index/rebuild`` started a third of the way in; every request must
   succeed and the new index must be swapped in while the clients are still sending.
3. ``memory``: resident memory (``VmRSS``) of the server before and after ``--requests`` requests.

Prints a Markdown summary; exits 1 when any request failed or the rebuild did not complete during the load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from evaluation.load import MAX_SECONDS, rss_bytes, run_load, stop_server

__all__ = ["SoakReport", "main", "render_markdown", "run_soak"]

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "corpus" / "documents"
ENDPOINTS = ("search", "ask")
WARM_UP_REQUESTS = 200
READY_TIMEOUT_S = 600.0


@dataclass
class SoakReport:
    """Everything the soak measured."""

    clients: int
    seconds: float
    corpus: str
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)
    memory: dict[str, Any] | None = None
    server_log_errors: list[str] = field(default_factory=list)

    @property
    def failed_requests(self) -> int:
        """Failed requests over all phases."""
        return sum(int(p["total"]["errors"]) for p in self.phases.values())

    @property
    def passed(self) -> bool:
        """No failed request, and the rebuild (when run) completed while clients were sending."""
        if "rebuild" in self.phases:
            rebuild = self.phases["rebuild"].get("rebuild") or {}
            if rebuild.get("status") != "done" or not rebuild.get("swap_during_load"):
                return False
        return self.failed_requests == 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "clients": self.clients,
            "seconds": self.seconds,
            "corpus": self.corpus,
            "phases": self.phases,
            "memory": self.memory,
            "server_log_errors": self.server_log_errors,
            "failed_requests": self.failed_requests,
            "passed": self.passed,
        }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(corpus: Path, workdir: Path, admin_key: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``tracuu serve`` over a copy of ``corpus`` in ``workdir``; (process, url, log file) once ready."""
    corpus_copy = workdir / "corpus"
    shutil.copytree(corpus, corpus_copy)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACUU_") and k != "PORT"}
    env.update(TRACUU_ADMIN_KEYS=admin_key, TRACUU_LOG_LEVEL="WARNING")
    command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--corpus", str(corpus_copy), "--index", str(workdir / "index")]
    log = workdir / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}); see {log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/readyz", timeout=2.0, trust_env=False).status_code == 200:
                return process, url, log
        time.sleep(0.5)
    stop_server(process)
    raise RuntimeError(f"the server was not ready after {READY_TIMEOUT_S:.0f} s; see {log}")


def _settled_rss(pid: int, samples: int = 5) -> int | None:
    """Median of a few RSS readings a moment apart (after the load, pending work settles)."""
    values = []
    for _ in range(samples):
        value = rss_bytes(pid)
        if value is not None:
            values.append(value)
        time.sleep(0.2)
    return sorted(values)[len(values) // 2] if values else None


def _mb(value: int | None) -> float | None:
    return None if value is None else round(value / 2**20, 1)


def run_soak(
    *,
    seconds: float = 60.0,
    clients: int = 32,
    requests: int = 10_000,
    corpus: Path = DEFAULT_CORPUS,
    phases: tuple[str, ...] = ("steady", "rebuild", "memory"),
    keep: bool = False,
) -> SoakReport:
    """Run the phases against a server of its own; see the module doc."""
    report = SoakReport(clients=clients, seconds=seconds, corpus=str(corpus))
    admin_key = secrets.token_urlsafe(24)
    workdir = Path(tempfile.mkdtemp(prefix="tracuu-soak-"))
    process, url, log = start_server(corpus, workdir, admin_key)
    try:
        asyncio.run(run_load(url, seconds=MAX_SECONDS, clients=4, max_requests=WARM_UP_REQUESTS))
        if "steady" in phases:
            result = asyncio.run(run_load(url, seconds=seconds, clients=clients, pid=process.pid))
            report.phases["steady"] = result.as_dict()
        if "rebuild" in phases:
            result = asyncio.run(
                run_load(url, seconds=seconds, clients=clients, pid=process.pid, rebuild_key=admin_key)
            )
            report.phases["rebuild"] = result.as_dict()
        if "memory" in phases:
            before = _settled_rss(process.pid)
            started = time.perf_counter()
            result = asyncio.run(
                run_load(url, seconds=MAX_SECONDS, clients=clients, max_requests=requests, pid=process.pid)
            )
            after = _settled_rss(process.pid)
            report.phases["memory"] = result.as_dict()
            report.memory = {
                "requests": result.as_dict()["total"]["requests"],
                "seconds": round(time.perf_counter() - started, 1),
                "rss_before_mb": _mb(before),
                "rss_after_mb": _mb(after),
                "rss_max_mb": _mb(max(result.rss_samples)) if result.rss_samples else None,
                "growth_mb": _mb(after - before) if before is not None and after is not None else None,
            }
    finally:
        stop_server(process)
        report.server_log_errors = _errors_in(log)
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def _errors_in(log: Path) -> list[str]:
    """ERROR/CRITICAL lines the server logged (JSON lines; anything unparsable containing 'Traceback')."""
    found = []
    with contextlib.suppress(OSError):
        for line in log.read_text("utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                if "Traceback" in line:
                    found.append(line[:300])
                continue
            if isinstance(entry, dict) and entry.get("level") in {"ERROR", "CRITICAL"}:
                found.append(str(entry.get("msg", ""))[:300])
    return found


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


def render_markdown(report: SoakReport) -> str:
    """The summary as Markdown."""
    lines = [
        f"# Soak: {report.clients} clients, {report.seconds:g} s per timed phase",
        "",
        f"Corpus: `{report.corpus}` (temporary copy). Result: **{'PASS' if report.passed else 'FAIL'}**, "
        f"{report.failed_requests} failed requests.",
        "",
        "| phase | endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, phase in report.phases.items():
        rows = {**phase["endpoints"], "total": phase["total"]}
        for endpoint, row in rows.items():
            cells = [name, endpoint, row["requests"], row["errors"], row["throughput_rps"]]
            cells += [row["p50_ms"], row["p95_ms"], row["p99_ms"]]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    rebuild = report.phases.get("rebuild", {}).get("rebuild")
    if rebuild is not None:
        lines += [
            "",
            f"Rebuild: status **{rebuild.get('status')}**, started after {rebuild.get('started_after_s')} s, "
            f"took {rebuild.get('seconds')} s, swapped while clients were sending: "
            f"{rebuild.get('swap_during_load')}.",
        ]
    if report.memory is not None:
        memory = report.memory
        lines += [
            "",
            f"Memory over {memory['requests']} requests ({memory['seconds']} s): server RSS "
            f"{_cell(memory['rss_before_mb'])} MB before, {_cell(memory['rss_after_mb'])} MB after "
            f"(max {_cell(memory['rss_max_mb'])} MB, growth {_cell(memory['growth_mb'])} MB).",
        ]
    for name, phase in report.phases.items():
        for example in phase.get("error_examples", []):
            lines.append(f"- {name} error: {example}")
    lines += ["", f"Server log: {len(report.server_log_errors)} ERROR lines."]
    lines += [f"- {line}" for line in report.server_log_errors[:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line; exit 1 when the soak failed."""
    parser = argparse.ArgumentParser(prog="python -m evaluation.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="duration of the steady and rebuild phases"
    )
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=10_000, help="requests of the memory phase")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="documents to serve (copied)")
    parser.add_argument("--phases", default="steady,rebuild,memory", help="comma-separated subset")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server log)")
    args = parser.parse_args(argv)
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = set(phases) - {"steady", "rebuild", "memory"}
    if unknown or not phases:
        print(f"evaluation.soak: unknown phases {sorted(unknown)}", file=sys.stderr)
        return 2
    if not args.corpus.is_dir():
        print(f"evaluation.soak: {args.corpus} is not a folder of documents", file=sys.stderr)
        return 2
    report = run_soak(
        seconds=args.seconds,
        clients=args.clients,
        requests=args.requests,
        corpus=args.corpus,
        phases=phases,
        keep=args.keep,
    )
    print(render_markdown(report))
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), "utf-8")
    return 0 if report.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
