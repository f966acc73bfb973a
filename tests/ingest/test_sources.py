import os
from pathlib import Path

import pytest

from communique.ingest.problems import Problem
from communique.ingest.sources import iter_source_files


def _tree(root: Path) -> None:
    (root / "b").mkdir()
    (root / "a").mkdir()
    (root / ".hidden").mkdir()
    (root / "a" / "z.jsonl").write_text("{}\n")
    (root / "a" / "y.md").write_text("# T\n\ntext\n")
    (root / "b" / "page.HTML").write_text("<p>x</p>")
    (root / "b" / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / ".hidden" / "secret.txt").write_text("no")
    (root / ".dotfile.txt").write_text("no")
    (root / "top.txt").write_text("text")


def test_walks_recursively_sorted_supported_only(tmp_path):
    _tree(tmp_path)
    found = list(iter_source_files([tmp_path]))
    assert all(isinstance(p, Path) for p in found)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/y.md", "a/z.jsonl", "b/page.HTML", "top.txt"]


def test_explicit_files_and_folders_keep_argument_order(tmp_path):
    _tree(tmp_path)
    found = list(iter_source_files([tmp_path / "top.txt", str(tmp_path / "a")]))
    assert [p.name for p in found] == ["top.txt", "y.md", "z.jsonl"]


def test_explicit_unsupported_file_is_a_problem(tmp_path):
    _tree(tmp_path)
    (result,) = iter_source_files([tmp_path / "b" / "notes.docx"])
    assert isinstance(result, Problem)
    assert "unsupported file type '.docx'" in result.message
    assert result.path.endswith("notes.docx")


def test_missing_path_is_a_problem(tmp_path):
    (result,) = iter_source_files([tmp_path / "nope.jsonl"])
    assert isinstance(result, Problem)
    assert result.message == "no such file or folder"


def test_symlink_loop_is_reported_not_followed_forever(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "r.txt").write_text("release")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    results = list(iter_source_files([tmp_path]))
    files = [r for r in results if isinstance(r, Path)]
    problems = [r for r in results if isinstance(r, Problem)]
    assert [f.name for f in files] == ["r.txt"]
    assert len(problems) == 1 and "loop" in problems[0].message


def test_self_referencing_symlink_file(tmp_path):
    os.symlink(tmp_path / "self.txt", tmp_path / "self.txt")
    results = list(iter_source_files([tmp_path]))
    assert len(results) == 1 and isinstance(results[0], Problem)
    assert "loop" in results[0].message
    (given,) = iter_source_files([tmp_path / "self.txt"])
    assert isinstance(given, Problem)


def test_broken_symlink_is_a_problem(tmp_path):
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    (result,) = iter_source_files([tmp_path])
    assert isinstance(result, Problem)


def test_fifo_named_like_a_text_file_is_not_opened(tmp_path):
    # A FIFO would block a naive open(); it must be reported, not read.
    os.mkfifo(tmp_path / "pipe.txt")
    (walked,) = iter_source_files([tmp_path])
    (given,) = iter_source_files([tmp_path / "pipe.txt"])
    assert isinstance(walked, Problem) and walked.message == "not a regular file"
    assert isinstance(given, Problem) and given.message == "not a regular file"


def test_unreadable_file_is_a_problem(tmp_path, monkeypatch):
    # Tests run as root, for whom chmod 000 does not stop reading: make open() fail instead.
    bad = tmp_path / "locked.txt"
    bad.write_text("secret")
    (tmp_path / "ok.txt").write_text("fine")
    real_open = Path.open

    def fake_open(self, *args, **kwargs):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", fake_open)
    results = list(iter_source_files([tmp_path]))
    assert isinstance(results[0], Problem) and "Permission denied" in results[0].message
    assert results[1] == tmp_path / "ok.txt"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any folder")
def test_unlistable_folder_is_a_problem(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        results = list(iter_source_files([tmp_path]))
    finally:
        locked.chmod(0o755)
    assert isinstance(results[0], Problem)


def test_folder_documentation_is_skipped_when_walking_but_read_when_named(tmp_path):
    from communique.ingest.sources import iter_source_files

    (tmp_path / "README.md").write_text("# About this folder", encoding="utf-8")
    (tmp_path / "LICENSE.txt").write_text("CC BY 4.0", encoding="utf-8")
    (tmp_path / "release.txt").write_text("A release.", encoding="utf-8")
    assert [p.name for p in iter_source_files([tmp_path])] == ["release.txt"]
    assert [p.name for p in iter_source_files([tmp_path / "README.md"])] == ["README.md"]
