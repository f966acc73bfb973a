import json
import threading

import pytest

from communique.ui.feedback import (
    MAX_COMMENT_CHARS,
    PER_SESSION_PER_MINUTE,
    FeedbackLog,
    FeedbackRecord,
    FeedbackRefused,
)


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
    threads = [threading.Thread(target=lambda i=i: [log.append(_record(i, "c" * 2000), session=f"s{i}")
                                                    for _ in range(20)])
               for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    records = log.read()
    assert len(records) == 160
    assert all(len(r["comment"]) == 2000 for r in records)


def test_a_damaged_line_is_reported_with_file_and_line(tmp_path):
    path = tmp_path / "f.jsonl"
    log = FeedbackLog(path)
    log.append(_record(1))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    with pytest.raises(ValueError, match=r"f\.jsonl:2"):
        log.read()


def test_fields_are_cut_to_their_limits(tmp_path):
    log = FeedbackLog(tmp_path / "f.jsonl")
    record = _record(1, comment="x" * 1_000_000)
    record.question = "q" * 50_000
    record.citations = [{"n": i, "release_id": "r", "quote": "y" * 10_000} for i in range(500)]
    log.append(record, session="a")
    (line,) = (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(line) < 100_000
    stored = log.read()[0]
    assert len(stored["comment"]) == MAX_COMMENT_CHARS and len(stored["question"]) == 2000
    assert len(stored["citations"]) == 20 and len(stored["citations"][0]["quote"]) == 2000


def test_one_session_is_rate_limited_and_others_are_not(tmp_path):
    log = FeedbackLog(tmp_path / "f.jsonl")
    for _ in range(PER_SESSION_PER_MINUTE):
        log.append(_record(1), session="flood")
    with pytest.raises(FeedbackRefused) as info:
        log.append(_record(1), session="flood")
    assert info.value.reason == "rate"
    log.append(_record(2), session="someone-else")
    assert len(log.read()) == PER_SESSION_PER_MINUTE + 1


def test_all_sessions_together_are_rate_limited(tmp_path):
    log = FeedbackLog(tmp_path / "f.jsonl", total=30)
    for i in range(30):
        log.append(_record(i), session=f"s{i}")
    with pytest.raises(FeedbackRefused):
        log.append(_record(99), session="fresh")


def test_the_file_stops_growing_at_its_cap(tmp_path):
    log = FeedbackLog(tmp_path / "f.jsonl", max_bytes=3000)
    written = 0
    with pytest.raises(FeedbackRefused) as info:
        for i in range(100):
            log.append(_record(i), session=f"s{i}")
            written += 1
    assert info.value.reason == "full" and 0 < written < 100
    assert (tmp_path / "f.jsonl").stat().st_size <= 3000 and len(log.read()) == written
