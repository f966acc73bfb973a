"""Chat feedback → draft golden items: written by the real FeedbackLog, exported by the CLI,
loadable as a golden file, and refused by the checker until an evaluator writes the facts."""
from __future__ import annotations

import json

from communique.evals.feedback_drafts import drafts_from_records, merge_threads
from communique.evals.golden import check_golden, load_golden
from communique.index.models import Release
from communique.ui.cli import main
from communique.ui.feedback import FeedbackLog, FeedbackRecord

CITED = [{"n": 1, "release_id": "smp-ei-premium-2025-en", "lang": "en", "quote": "two-cent reduction"}]


def _log(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.append(FeedbackRecord(answer_id="a1", kind="vote", vote="down", comment="",
                              question="Quel est le taux de cotisation pour 2025 ?", answer="…deux cents… [1]",
                              language="fr", abstained=False, citations=CITED), session="s1")
    log.append(FeedbackRecord(answer_id="a1", kind="comment", vote=None, comment="should say 1,64 $",
                              question="Quel est le taux de cotisation pour 2025 ?", answer="…deux cents… [1]",
                              language="fr", abstained=False, citations=CITED), session="s1")
    log.append(FeedbackRecord(answer_id="a2", kind="vote", vote="up", comment="", question="Jasper rebuild money?",
                              answer="Not found.", language="en", abstained=True), session="s2")
    log.append(FeedbackRecord(answer_id="a3", kind="vote", vote="up", comment="", question="Canadarm3 value?",
                              answer="$999.8 million [1]", language="en", abstained=False,
                              citations=[{"n": 1, "release_id": "smp-canadarm3-en", "lang": "en", "quote": "q"}],
                              resolved_question="How much is the Canadarm3 contract worth?"), session="s2")
    return log


def test_threads_merge_vote_and_comment(tmp_path):
    threads = merge_threads(_log(tmp_path).read())
    assert [t.answer_id for t in threads] == ["a1", "a2", "a3"]
    assert threads[0].vote == "down" and threads[0].comments == ["should say 1,64 $"]


def test_drafts_carry_question_answer_sources_and_comment(tmp_path):
    drafts = {d["id"]: d for d in drafts_from_records(_log(tmp_path).read())}
    a1 = drafts["fb-a1"]
    assert a1["question"] == "Quel est le taux de cotisation pour 2025 ?" and a1["lang"] == "fr"
    assert a1["sources"] == ["smp-ei-premium-2025-en"] and a1["kind"] == "fr-en" and a1["facts"] == []
    assert "vote: down" in a1["notes"] and "comment: should say 1,64 $" in a1["notes"]
    assert "answer given: …deux cents… [1]" in a1["notes"]
    # 👍 on "not found" drafts an unanswerable item; a resolved follow-up is flagged
    assert drafts["fb-a2"]["answerable"] is False and drafts["fb-a2"]["kind"] == "unanswerable"
    assert "follow-up, resolved as: How much is the Canadarm3 contract worth?" in drafts["fb-a3"]["notes"]
    assert [d["id"] for d in drafts_from_records(_log(tmp_path).read(), votes=("down",))] == ["fb-a1"]


def test_cli_export_is_a_golden_file_that_needs_facts(tmp_path, capsys):
    log = _log(tmp_path)
    with open(log.path, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    out = tmp_path / "drafts.jsonl"
    assert main(["feedback", "export", "--feedback", str(log.path), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"skipped {log.path}:5: not a JSON line" in err and "3 draft item(s) from 4 record(s)" in err
    items = load_golden(out)  # the header is a // comment line
    assert [i.id for i in items] == ["fb-a1", "fb-a2", "fb-a3"]
    releases = {"smp-ei-premium-2025-en": Release(id="smp-ei-premium-2025-en", lang="en", title="t", text="x"),
                "smp-canadarm3-en": Release(id="smp-canadarm3-en", lang="en", title="t", text="x")}
    problems = check_golden(items, releases)
    assert any("fb-a1" in p and "needs at least one fact" in p for p in problems)
    assert not any("fb-a2" in p for p in problems)  # an unanswerable draft is already complete


def test_cli_export_to_stdout_and_missing_file(tmp_path, capsys):
    log = _log(tmp_path)
    assert main(["feedback", "export", "--index", str(tmp_path / "index"), "--votes", "up"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("//") and [json.loads(row)["id"] for row in lines[1:]] == ["fb-a1", "fb-a2", "fb-a3"]
    assert log.path == tmp_path / "feedback.jsonl"
    assert main(["feedback", "export", "--feedback", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl: feedback file not found" in capsys.readouterr().err
