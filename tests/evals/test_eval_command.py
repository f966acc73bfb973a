"""`communique eval` argument handling and exit codes (runs that need an index are wired later)."""
import argparse
import json

import pytest

from communique.evals.report import write_run
from communique.ui.commands import eval as eval_command


def parse(argv):
    parser = argparse.ArgumentParser(prog="communique")
    eval_command.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["eval", *argv])


def test_compare_prints_changes(tmp_path, run_a, run_b, capsys):
    write_run(tmp_path / "a", *run_a, chart=False)
    write_run(tmp_path / "b", *run_b, chart=False)
    args = parse(["--compare", str(tmp_path / "a"), str(tmp_path / "b")])
    assert args.func is eval_command.run
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "newly failed (1):" in out and "q1" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "give --golden FILE"),
        (["--compare", "nope-a", "nope-b"], "nope-a/summary.json: not found"),
        (["--golden", "g.jsonl", "--mode", "dense"], "--mode applies to --retrieval-only"),
        (["--golden", "g.jsonl", "--limit", "0"], "--limit must be at least 1"),
        (["--golden", "g.jsonl", "--index", "no/such/index"], "index folder no/such/index not found"),
    ],
)
def test_usage_errors_exit_2(argv, message, capsys):
    args = parse(argv)
    assert eval_command.run(args) == 2
    assert message in capsys.readouterr().err


def test_index_dir_from_environment(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COMMUNIQUE_INDEX", str(tmp_path / "env-index"))
    assert eval_command.run(parse(["--golden", "g.jsonl"])) == 2
    assert f"index folder {tmp_path / 'env-index'} not found" in capsys.readouterr().err


def test_split_option_runs_only_that_split(samples_index, tmp_path, capsys):
    from pathlib import Path

    from communique.evals.golden import load_golden

    golden = str(Path(__file__).resolve().parents[2] / "evals" / "golden" / "samples.jsonl")
    heldout = sum(i.split == "heldout" for i in load_golden(golden))
    argv = ["--golden", golden, "--index", str(samples_index), "--out", str(tmp_path / "run"),
            "--retrieval-only", "--split", "heldout", "--no-progress"]
    assert eval_command.run(parse(argv)) == 0
    data = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert data["n"] == heldout and set(data["splits"]) == {"heldout"} and data["config"]["split"] == "heldout"
    assert "heldout (" in capsys.readouterr().out
