from __future__ import annotations

from bench.coldstart import ask_command, parse_importtime

SAMPLE = """\
import time: self [us] | cumulative | imported package
import time:       100 |        100 |   _io
import time:      2000 |       5000 |     numpy._core
import time:      1000 |       9000 |   numpy
import time:       500 |        500 |     index.models
import time:      3000 |      20000 |   index.retriever
import time:       300 |        300 | site
some unrelated line
"""


def test_parse_importtime_ranks_packages_and_project_modules():
    rows, total = parse_importtime(SAMPLE)
    names = [r["module"] for r in rows]
    assert names[0] == "index.retriever" and rows[0]["cumulative_ms"] == 20.0
    assert "numpy" in names and "numpy._core" not in names  # third-party: whole packages only
    assert total == 0.3  # the outermost level is `site` alone here
    assert parse_importtime("nothing") == ([], 0.0)


def test_ask_command_names_what_it_runs(tmp_path):
    cmd, label = ask_command(tmp_path, "question?")
    assert "question?" in cmd and str(tmp_path) in cmd
    assert label.startswith("communique ask") or "no `ask` command" in label
