from __future__ import annotations

import pytest

from communique.bench.run import SECTIONS, BenchConfig, run_bench
from communique.ui.cli import main
from communique.ui.commands import bench as bench_command


def test_sections_are_the_same_in_the_command_and_the_runner():
    assert bench_command.SECTIONS == SECTIONS


def test_absent_corpus_is_a_clear_message_not_a_failure(tmp_path, capsys):
    assert main(["bench", "--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "shared corpus not found" in err and "nowhere" in err
    assert not (tmp_path / "out" / "latest.json").exists()
    messages = []
    assert run_bench(BenchConfig(corpus=tmp_path, out_dir=tmp_path, log=messages.append)) is None
    assert messages


def test_quick_defaults_and_unknown_sections():
    quick = BenchConfig(quick=True)
    assert (quick.runs, quick.passes) == (1, 1)
    assert BenchConfig().runs == 3
    with pytest.raises(ValueError, match="unknown bench section"):
        BenchConfig(sections=("speed",))
