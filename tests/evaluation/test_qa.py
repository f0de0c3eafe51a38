from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evaluation.qa import QAFormatError, load_qa, parse_qa_lines


def test_load_dev_plans_set(dev_qa: Path) -> None:
    items = load_qa(dev_qa)
    assert len(items) == 35
    assert {i.format for i in items} == {"plans"}
    assert sum(i.abstain for i in items) == 2
    assert not any(i.has_answer_key for i in items if i.abstain)
    by_id = {i.id: i for i in items}
    assert by_id["dev-03"].answers_all == ["Sở Xây dựng", "01/12"]
    assert by_id["dev-19"].variant == "no_diacritics"
    assert all(i.evidence for i in items if not i.abstain)
    assert Counter(i.variant for i in items)["plain"] >= 20


def test_load_alqac_sets(alqac_dir: Path) -> None:
    test = load_qa(alqac_dir / "test.jsonl")
    train = load_qa(alqac_dir / "train.jsonl")
    assert (len(test), len(train)) == (110, 100)
    assert {i.format for i in test + train} == {"alqac"}
    assert all(i.answerable and i.has_relevance and not i.has_answer_key for i in test)
    assert test[0].gold[0].file == "luat-hon-nhan-va-gia-dinh.txt" and test[0].gold[0].article == "31"
    assert test[0].type == "Đúng/Sai"
    assert sum(len(i.gold) > 1 for i in test) == 9


def test_format_is_detected_per_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    rows = [
        {
            "id": "p1",
            "question": "Ai?",
            "type": "responsible",
            "variant": "plain",
            "answers": ["Sở Y tế"],
            "evidence": ["Sở Y tế chủ trì"],
            "abstain": False,
        },
        {
            "id": "a1",
            "question": "Đúng hay sai?",
            "gold": [{"document": "L", "file": "l.txt", "article": "3"}],
        },
        {
            "id": "p2",
            "question": "Không có?",
            "type": "unanswerable",
            "variant": "plain",
            "answers": [],
            "evidence": [],
            "abstain": True,
        },
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    items = load_qa(path)
    assert [i.format for i in items] == ["plans", "alqac", "plans"]
    assert items[1].type == "legal"  # no question_type given
    assert items[2].abstain and not items[2].has_relevance


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "set.jsonl:2: not valid JSON"),
        ("[1, 2]", "set.jsonl:2: expected a JSON object"),
        ('{"id": "x", "question": "q"}', "set.jsonl:2: unknown QA format"),
        ('{"id": "x", "question": "", "answers": []}', "set.jsonl:2: missing or empty 'question'"),
        (
            '{"id": "ok", "question": "q", "gold": [{"file": "f.txt"}]}',
            "set.jsonl:2: article: Field required",
        ),
        ('{"id": "ok", "question": "again", "answers": ["a"]}', "duplicate id 'ok'"),
    ],
)
def test_bad_lines_name_file_and_line(line: str, message: str) -> None:
    first = '{"id": "ok", "question": "q", "answers": ["a"], "evidence": ["a"], "abstain": false}'
    with pytest.raises(QAFormatError, match=message) as info:
        parse_qa_lines([first, line], source="set.jsonl")
    assert "set.jsonl:2" in str(info.value)


def test_missing_or_empty_file(tmp_path: Path) -> None:
    with pytest.raises(QAFormatError, match="not found"):
        load_qa(tmp_path / "nope.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(QAFormatError, match="no questions"):
        load_qa(empty)
