"""Disk full, read-only index folders and lock failures: a clear message and exit 1, never a traceback.

Issue 12, row 10. The tests run as root, where chmod does not stop writes, so the file systems are
real: a small tmpfs (`mount -t tmpfs -o size=…`) filled to a measured level so that the write fails
in each stage of an ingest (copying the published generation, SQLite, the BM25 arrays, FAISS), and a
read-only bind mount. They skip, saying why, where mounting is not permitted. Only the file system
without locks (ENOLCK) is simulated, by making `fcntl.flock` fail as it does on such a system.
"""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from communique.index import generations
from communique.index.retriever import Retriever
from communique.ingest.pipeline import ingest_paths
from communique.ui.cli import main as cli_main
from reliability_support import release_record, run_cli, write_jsonl

NEW = 200


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A published index of 24 releases, 200 more to ingest, and the sizes an ingest of them writes."""
    root = tmp_path_factory.mktemp("writes")
    base = write_jsonl(root / "base.jsonl", [release_record(5000 + i) for i in range(24)])
    new = write_jsonl(root / "new.jsonl", [release_record(i, prefix="new") for i in range(NEW)])
    pristine = root / "pristine"
    assert ingest_paths([base], pristine, progress=False).added == 24
    grown = root / "grown"
    shutil.copytree(pristine, grown)
    assert ingest_paths([new], grown, progress=False).added == NEW
    sizes = {p.name: p.stat().st_size for p in generations.current_generation(grown).iterdir()}
    first = {p.name: p.stat().st_size for p in generations.current_generation(pristine).iterdir()}
    return pristine, new, sizes, first


def _mount(*args: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root and `mount` to make a real full or read-only file system")
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"mounting is not permitted here ({result.stderr.strip()})")


@contextmanager
def _tmpfs(path: Path, size: str = "4m"):
    path.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill_leaving(folder: Path, free_bytes: int) -> Path:
    stats = os.statvfs(folder)
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - free_bytes))
    return filler


def _fingerprint(index_dir: Path) -> tuple:
    retriever = Retriever.open(index_dir, auto_reload=False)  # every checksum verified
    stats = retriever.stats()
    hits = [h.release_id for h in retriever.search("jobs created in Halifax", k=3)]
    return stats.generation, stats.releases, stats.chunks, hits


def _cli(capsys, *args) -> tuple[int, str, str]:
    """The console script's entry point in this process (its exception mapping is what is tested)."""
    code = cli_main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


# Free space left on the tmpfs, by the stage that must fail, and what the message then shows.
STAGES = {
    "copying the published generation": (lambda s, f: 16 * 1024, "OperationalError: database or disk is full"),
    "SQLite at publication": (lambda s, f: (f["records.sqlite"] + s["records.sqlite"]) // 2,
                              "OperationalError: database or disk is full"),
    "BM25 arrays": (lambda s, f: s["records.sqlite"] + s["lexical.npz"] // 2, "[Errno 28] No space left on device"),
    "FAISS vectors": (lambda s, f: s["records.sqlite"] + s["lexical.npz"] + s["lexical-vocab.json"]
                      + s["vectors-en.faiss"] // 2, "faiss::write_index"),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_disk_full_at_each_stage_of_an_ingest_is_a_clear_message_and_the_index_is_intact(data, tmp_path, capsys,
                                                                                         stage):
    pristine, new, sizes, first = data
    free, shown = STAGES[stage]
    with _tmpfs(tmp_path / "disk") as disk:
        index_dir = Path(shutil.copytree(pristine, disk / "index"))
        before = _fingerprint(index_dir)
        filler = _fill_leaving(disk, free(sizes, first))
        code, out, err = _cli(capsys, "ingest", new, "--index", index_dir, "--no-progress")
        assert code == 1, (out, err)
        assert f"communique ingest: {index_dir}: cannot write the index" in err and ": disk full (" in err
        assert shown in err and "the last published generation is intact" in err and "free some space" in err
        assert "Traceback" not in err
        assert _fingerprint(index_dir) == before
        assert not [p for p in index_dir.iterdir() if p.name.endswith(".staging")]  # the half-made copy is gone
        if stage == "FAISS vectors":  # space freed: the same command now completes
            filler.unlink()
            code, out, err = _cli(capsys, "ingest", new, "--index", index_dir, "--no-progress")
            assert code == 0, err
            assert _fingerprint(index_dir)[1] == 24 + NEW


def test_disk_full_through_the_real_console_script(data, tmp_path):
    pristine, new, sizes, first = data
    with _tmpfs(tmp_path / "disk") as disk:
        index_dir = Path(shutil.copytree(pristine, disk / "index"))
        _fill_leaving(disk, STAGES["FAISS vectors"][0](sizes, first))
        result = run_cli("ingest", new, "--index", index_dir, "--no-progress")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "disk full" in result.stderr and "No space left on device" in result.stderr


@pytest.fixture
def read_only_index(data, tmp_path):
    pristine, new, sizes, first = data
    index_dir = Path(shutil.copytree(pristine, tmp_path / "index"))
    _mount("--bind", str(index_dir), str(index_dir))
    try:
        _mount("-o", "remount,ro,bind", str(index_dir))
        with pytest.raises(OSError) as caught:  # really read-only, even for root
            (index_dir / "probe").write_text("x")
        assert caught.value.errno == errno.EROFS
        yield index_dir
    finally:
        subprocess.run(["umount", "-l", str(index_dir)], check=False)


def test_a_read_only_index_folder_refuses_writes_clearly_and_still_answers(data, read_only_index):
    new = data[1]
    for args in (("ingest", new, "--no-progress"), ("remove", "rel-5000")):
        result = run_cli(*args, "--index", read_only_index)
        assert result.returncode == 1, result
        assert "Traceback" not in result.stderr
        assert f"{read_only_index}: cannot write the index" in result.stderr
        assert "read-only file system" in result.stderr and "use --index with a writable folder" in result.stderr
    search = run_cli("search", "jobs created in Halifax", "--index", read_only_index, "--k", "1")
    assert search.returncode == 0 and "Halifax" in search.stdout, search.stderr
    ask = run_cli("ask", "How many jobs will project 5007 in Halifax create?", "--index", read_only_index)
    assert ask.returncode == 0 and "[1]" in ask.stdout, ask.stderr


def test_an_index_folder_that_cannot_be_created_is_a_clear_message(data, read_only_index, capsys):
    code, out, err = _cli(capsys, "ingest", data[1], "--index", read_only_index / "sub" / "index", "--no-progress")
    assert code == 1 and "creating the index folder: read-only file system" in err


def test_a_held_lock_is_a_clear_message(data, tmp_path, capsys, monkeypatch):
    from communique.index.writer import IndexWriter

    pristine, new, sizes, first = data
    index_dir = Path(shutil.copytree(pristine, tmp_path / "index"))
    real_init = generations.WriterLock.__init__
    monkeypatch.setattr(generations.WriterLock, "__init__",
                        lambda self, index_dir, timeout=30.0: real_init(self, index_dir, timeout=0.5))
    with IndexWriter.open(index_dir):
        code, out, err = _cli(capsys, "ingest", new, "--index", index_dir, "--no-progress")
    assert code == 1 and "another ingest is writing this index; try again later" in err


def test_a_file_system_without_locks_is_a_clear_message(data, tmp_path, capsys, monkeypatch):
    """Simulated: `flock` fails with ENOLCK as on a file system without locks (none can be mounted here)."""
    pristine, new, sizes, first = data
    index_dir = Path(shutil.copytree(pristine, tmp_path / "index"))

    def no_locks(handle, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(generations.fcntl, "flock", no_locks)
    code, out, err = _cli(capsys, "ingest", new, "--index", index_dir, "--no-progress")
    assert code == 1, err
    assert "taking the writer lock .lock: no file locks" in err and "place the index on a local disk" in err


def test_an_index_folder_without_write_permission_is_a_clear_message(data, tmp_path):
    """As root, chmod does not stop writes: the child drops the capabilities that let root ignore
    permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), as an ordinary user would be."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() == 0 and setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a folder unwritable")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    if prefix and subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot drop CAP_DAC_OVERRIDE here (setpriv refused)")
    pristine, new = data[0], data[1]
    index_dir = Path(shutil.copytree(pristine, tmp_path / "index"))
    index_dir.chmod(0o555)
    try:
        probe = subprocess.run([*prefix, "mkdir", str(index_dir / "probe")], capture_output=True)
        assert probe.returncode != 0, "the folder is still writable: the test would prove nothing"
        result = run_cli("ingest", new, "--index", index_dir, "--no-progress", prefix=prefix)
    finally:
        index_dir.chmod(0o755)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "permission denied" in result.stderr and "check the folder's owner and permissions" in result.stderr
    assert _fingerprint(index_dir)[1] == 24
