"""A small real evaluation set for end-to-end harness runs: two plans and some of their dev questions."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

#: Lạng Sơn's plan and its Văn Quan district plan.
SMALL_CORPUS = ("lang-son-46-kh-ubnd-phuc-hoi-kinh-te.txt", "van-quan-xa-hoi-hoa-2024-2030.txt")


def small_eval_set(root: Path, seeds_dir: Path, dev_qa: Path, question_ids: Iterable[str]) -> dict[str, Path]:
    """Under ``root``: ``corpus/`` with :data:`SMALL_CORPUS` and ``small.jsonl`` with the given dev questions."""
    corpus = root / "corpus"
    corpus.mkdir()
    for name in SMALL_CORPUS:
        shutil.copy(seeds_dir / name, corpus / name)
    wanted = set(question_ids)
    rows = [line for line in dev_qa.read_text("utf-8").splitlines() if json.loads(line)["id"] in wanted]
    qa = root / "small.jsonl"
    qa.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return {"root": root, "corpus": corpus, "qa": qa}
