from __future__ import annotations

import sys
from pathlib import Path

from communique.bench.coldstart import ask_command, parse_importtime

SAMPLE = """\
import time: self [us] | cumulative | imported package
import time:       100 |        100 |   _io
import time:      2000 |       5000 |     numpy._core
import time:      1000 |       9000 |   numpy
import time:       500 |        500 |     communique.index.models
import time:      3000 |      20000 |   communique.index.retriever
import time:       300 |        300 | site
some unrelated line
"""


def test_parse_importtime_ranks_packages_and_project_modules():
    rows, total = parse_importtime(SAMPLE)
    names = [r["module"] for r in rows]
    assert names[0] == "communique.index.retriever" and rows[0]["cumulative_ms"] == 20.0
    assert "numpy" in names and "numpy._core" not in names  # third-party: whole packages only
    assert total == 0.3  # the outermost level is `site` alone here
    assert parse_importtime("nothing") == ([], 0.0)


def test_ask_command_runs_the_installed_console_script(tmp_path):
    cmd, label = ask_command(tmp_path, "question?")
    script = Path(sys.executable).with_name("communique")
    assert script.exists(), "`pip install -e .` puts the console script beside the interpreter"
    assert cmd == [sys.executable, str(script), "ask", "question?", "--index", str(tmp_path)]
    assert label == "communique ask"
