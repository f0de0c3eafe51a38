"""Streaming: passages first, the answer text in pieces, the full answer last."""

from __future__ import annotations

from service.answer.extractive import ExtractiveAnswerer


def test_stream_events(answerer: ExtractiveAnswerer) -> None:
    question = "Ai chủ trì xây dựng kế hoạch di dời các cơ sở sản xuất công nghiệp gây ô nhiễm ở Hậu Giang?"
    events = list(answerer.stream(question))
    names = [name for name, _ in events]
    assert names[0] == "passages" and names[-1] == "answer"
    assert set(names[1:-1]) == {"delta"}
    assert events[0][1]["passages"]
    final = events[-1][1]
    assert "".join(data["text"] for name, data in events if name == "delta") == final["answer"]
    assert final == answerer.answer(question).model_dump(mode="json")
    assert final["answer"].startswith("Sở Công Thương") and final["citations"]
