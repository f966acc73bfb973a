import json
import threading

import pytest

from ui.feedback import FeedbackLog, FeedbackRecord


def _record(i: int, comment: str = "") -> FeedbackRecord:
    return FeedbackRecord(
        answer_id=f"a{i}", kind="comment" if comment else "vote", vote="up" if i % 2 else "down", comment=comment,
        question=f"Question {i} « été » ?", answer="Réponse [1].", language="fr", abstained=False,
        citations=[{"n": 1, "release_id": "r1", "quote": "x"}],
    )


def test_records_are_appended_as_whole_json_lines(tmp_path):
    log = FeedbackLog(tmp_path / "sub" / "feedback.jsonl")
    log.append(_record(1))
    log.append(_record(2, comment="trop vague\nsur deux lignes"))
    lines = (tmp_path / "sub" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["vote"] == "up" and first["question"] == "Question 1 « été » ?"
    assert second["comment"] == "trop vague\nsur deux lignes" and second["kind"] == "comment"
    assert first["citations"][0]["release_id"] == "r1" and first["time"].endswith("+00:00")


def test_concurrent_appends_never_interleave(tmp_path):
    log = FeedbackLog(tmp_path / "f.jsonl")
    threads = [threading.Thread(target=lambda i=i: [log.append(_record(i, "c" * 5000)) for _ in range(20)])
               for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    records = log.read()
    assert len(records) == 160
    assert all(len(r["comment"]) == 5000 for r in records)


def test_a_damaged_line_is_reported_with_file_and_line(tmp_path):
    path = tmp_path / "f.jsonl"
    log = FeedbackLog(path)
    log.append(_record(1))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    with pytest.raises(ValueError, match=r"f\.jsonl:2"):
        log.read()
