"""The shared evaluation index: one file list, a loud failure on missing input, and a build that
is published only when complete (`communique eval --build-shared-index`, used by `make eval`).

The builder tests ingest a small synthetic corpus written into tmp_path (real ingest, real
embedder) laid out under the shared corpus's file names; nothing from ../shared is copied.
"""
from __future__ import annotations

import argparse
import ast
import json
from pathlib import Path

import pytest

from communique.evals.shared_corpus import (
    GC_FILES,
    INPUT_FILES,
    PROVINCIAL_FILE,
    PROVINCIAL_LIMIT,
    REPO_ROOT,
    SharedCorpusMissing,
    count_records,
    missing_inputs,
    shared_sources,
)
from communique.ui.commands import eval as eval_command
from communique.ui.commands.shared_index import STAMP, SharedIndexError, build_shared_index


def _record(i: int, name: str, text: str | None = None) -> str:
    body = text if text is not None else (f"Release {i} of {name}: the Province announces {i * 1000} dollars "
                                          f"for project number {i} in the town of Testville{i}.")
    return json.dumps({"id": f"{name.removesuffix('.jsonl')}-{i}", "lang": "en", "title": f"Announcement {i} ({name})",
                       "date": "2024-06-01", "text": body})


def _corpus(root: Path, per_file: int = 3, empty_in_provincial: int = 0) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in GC_FILES:
        (root / name).write_text("\n".join(_record(i, name) for i in range(per_file)) + "\n", encoding="utf-8")
    lines = [_record(i, PROVINCIAL_FILE) for i in range(per_file)]
    lines += [_record(100 + i, PROVINCIAL_FILE, text="   ") for i in range(empty_in_provincial)]
    (root / PROVINCIAL_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _cli(argv):
    parser = argparse.ArgumentParser(prog="communique")
    eval_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", *argv])
    return args.func(args)


def test_one_file_list_for_every_caller():
    assert INPUT_FILES == (*GC_FILES, PROVINCIAL_FILE)
    assert PROVINCIAL_LIMIT == 1000
    tree = ast.parse((REPO_ROOT / "evals" / "shared_corpus.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m.split(".")[0] in ("ingest", "ui", "assistant") for m in imported if m)  # evals → index only


def test_shared_sources_slices_the_real_provincial_file_outside_the_project(shared_corpus, tmp_path):
    paths = shared_sources(shared_corpus, tmp_path / "work")
    assert [p.name for p in paths[:4]] == list(GC_FILES) and all(p.parent == shared_corpus for p in paths[:4])
    assert paths[4].parent == tmp_path / "work" and REPO_ROOT not in paths[4].parents
    assert count_records([paths[4]]) == PROVINCIAL_LIMIT
    assert count_records(paths) == 7214  # the index set the golden file is written against


def test_missing_inputs_are_named(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / GC_FILES[0]).write_text("", encoding="utf-8")
    assert [p.name for p in missing_inputs(corpus)] == list(INPUT_FILES[1:])
    with pytest.raises(SharedCorpusMissing, match=PROVINCIAL_FILE):
        shared_sources(corpus, tmp_path / "work")


def test_build_command_fails_loudly_on_missing_corpus(tmp_path, capsys):
    target = tmp_path / "shared-index"
    assert _cli(["--build-shared-index", str(target), "--corpus", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: shared corpus folder not found" in capsys.readouterr().err
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / GC_FILES[1]).write_text("", encoding="utf-8")
    assert _cli(["--build-shared-index", str(target), "--corpus", str(tmp_path / "partial")]) == 2
    err = capsys.readouterr().err
    assert "shared corpus incomplete: missing" in err and GC_FILES[0] in err and PROVINCIAL_FILE in err
    assert not target.exists()


def test_build_command_usage_errors(capsys):
    assert _cli(["--build-shared-index", "x", "--golden", "g.jsonl"]) == 2
    assert _cli(["--golden", "g.jsonl", "--corpus", "c"]) == 2
    assert "--corpus and --embedder apply to --build-shared-index" in capsys.readouterr().err


def test_complete_build_is_published_reused_and_an_incomplete_one_never_replaces_it(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    target = tmp_path / "out" / "shared-index"
    built = build_shared_index(target, corpus=corpus, progress=False, provincial_limit=PROVINCIAL_LIMIT)
    assert not built.reused and built.expected == 15 and built.releases == 15
    stamp = json.loads((target / STAMP).read_text(encoding="utf-8"))
    assert stamp["releases"] == 15 and set(stamp["inputs"]["files"]) == set(INPUT_FILES)
    assert [p.name for p in target.parent.iterdir()] == ["shared-index"]  # no temporary folder left

    again = build_shared_index(target, corpus=corpus, progress=False)
    assert again.reused and again.releases == 15

    # Inputs change and a third of the provincial records come out empty: more than 1 % rejected.
    _corpus(corpus, empty_in_provincial=8)
    with pytest.raises(SharedIndexError, match=rf"left unchanged:\n  rejected: {corpus / PROVINCIAL_FILE}:4: "):
        build_shared_index(target, corpus=corpus, progress=False)
    assert json.loads((target / STAMP).read_text(encoding="utf-8")) == stamp  # the good index is untouched
    assert [p.name for p in target.parent.iterdir()] == ["shared-index"]
