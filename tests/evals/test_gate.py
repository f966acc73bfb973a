"""The CI gate: the golden sets through the real assistant over real indexes, held to floors.

Floors (evals/floors*.json) are set a few points under the measured values written in
evals/README.md, so a regression fails CI while run-to-run noise does not.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from communique.evals.floors import check_floors, load_floors
from communique.evals.runner import run_eval

EVALS = Path(__file__).resolve().parents[2] / "evals"


def _gate(golden: str, floors: str, index_dir: Path, out: Path) -> dict:
    summary = run_eval(EVALS / "golden" / golden, index_dir, out, progress=False)
    for name in ("results.jsonl", "summary.json", "report.md"):
        assert (out / name).exists(), name
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    problems = check_floors(summary, load_floors(EVALS / floors))
    assert problems == [], "\n".join(problems) + "\n\n" + (out / "report.md").read_text(encoding="utf-8")[:4000]
    return data


def test_sample_golden_set_meets_its_floors(samples_index, test_output):
    data = _gate("samples.jsonl", "floors.json", samples_index, test_output / "eval-samples")
    assert data["n"] >= 40 and set(data["by_lang"]) == {"en", "fr"}


@pytest.mark.slow
def test_shared_golden_set_meets_its_floors(shared_index, test_output):
    data = _gate("shared.jsonl", "floors-shared.json", shared_index, test_output / "eval-shared")
    assert data["n"] >= 150
