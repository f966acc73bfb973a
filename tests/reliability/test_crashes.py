"""Crashes and damaged index files: the published index survives; damage is named, never executed.

Complements tests/index/test_writer.py (a simulated crash at publication, half-truncated files):
here a real `communique ingest` process is killed with SIGKILL, files are damaged in ways the
checksums cannot see (the manifest re-signed), and the CLI is checked for a clear message.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import faiss
import numpy as np
import pytest

from communique.index import generations
from communique.index.errors import EmbedderMismatch, IndexCorrupted, IndexProblem
from communique.index.manifest import file_digest
from communique.index.retriever import Retriever
from communique.ingest.pipeline import ingest_paths
from reliability_support import REPO_ROOT, child_env, communique_command, release_record, run_cli, write_jsonl

QUERIES = ["investment in project number 5003 in Sherbrooke", "jobs created in Halifax", "projet à Regina"]
NEW_RELEASES = 600  # several embedding batches: long enough to be killed in the middle


# --- a real process killed mid-ingest ------------------------------------------------------
@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A published index of 24 releases, and what it answers, to compare with after a crash."""
    root = tmp_path_factory.mktemp("crash")
    base_file = write_jsonl(root / "base.jsonl", [release_record(5000 + i, lang="fr" if i % 3 == 0 else "en")
                                                   for i in range(24)])
    new_file = write_jsonl(root / "new.jsonl", [release_record(i, prefix="new") for i in range(NEW_RELEASES)])
    pristine = root / "pristine"
    report = ingest_paths([base_file], pristine, progress=False)
    assert report.added == 24 and not report.problems
    return root, base_file, new_file, pristine


def _fingerprint(index_dir: Path) -> tuple:
    retriever = Retriever.open(index_dir, verify=True, auto_reload=False)
    stats = retriever.stats()
    results = [[(h.release_id, h.chunk_id, round(h.score, 6)) for h in retriever.search(q, k=5)] for q in QUERIES]
    return (stats.generation, stats.releases, stats.chunks, stats.releases_by_lang, stats.last_ingest), results


def _copy_index(pristine: Path, dest: Path) -> Path:
    shutil.copytree(pristine, dest)
    return dest


class _StderrWatcher:
    """Collects a child's stderr (tqdm writes carriage returns, not lines) from a thread."""

    def __init__(self, stream) -> None:
        self.text = ""
        self._stream = stream
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while chunk := self._stream.read1(4096) if hasattr(self._stream, "read1") else self._stream.read(4096):
            self.text += chunk.decode("utf-8", "replace")

    def embedded(self) -> int:
        """Chunks the progress bar says are done so far."""
        done = re.findall(r"(\d+)(?:/\d+)?(?:chunk)? \[\d", self.text)  # "256chunk [00:14" or "256/600 [00:14"
        return max((int(d) for d in done), default=0)

    def join(self) -> None:
        self._thread.join(timeout=10)


def _kill_when(proc: subprocess.Popen, watcher: _StderrWatcher, ready, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            watcher.join()
            pytest.fail(f"ingest ended (exit {proc.returncode}) before it could be killed:\n{watcher.text[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"ingest never reached the point to kill it:\n{watcher.text[-2000:]}")
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    watcher.join()
    assert proc.returncode == -signal.SIGKILL


def _assert_complete(index_dir: Path, n_new: int) -> None:
    """All base and new releases present once, every chunk searchable and consistent."""
    retriever = Retriever.open(index_dir, verify=True, auto_reload=False)
    stats = retriever.stats()
    assert stats.releases == 24 + n_new
    store = retriever._snapshot.store
    ids = store.all_release_ids()
    assert len(ids) == len(set(ids)) == 24 + n_new
    assert {f"new-{i}" for i in range(n_new)} <= set(ids)
    n_chunks = store._connect().execute("SELECT count(*) FROM chunks").fetchone()[0]
    assert n_chunks == stats.chunks == retriever._snapshot.vectors.total == retriever._snapshot.lexical.size
    content = store._connect().execute("SELECT count(DISTINCT content_hash), count(*) FROM releases").fetchone()
    assert content[0] == content[1]  # no release stored twice under two ids
    probe = release_record(517, prefix="new")
    assert retriever.search(probe["title"], k=1)[0].release_id == "new-517"
    assert not [p for p in index_dir.iterdir() if p.name.endswith(".staging")]


def test_sigkill_during_cli_ingest_leaves_the_previous_index_and_the_next_ingest_completes(base, tmp_path):
    root, base_file, new_file, pristine = base
    index_dir = _copy_index(pristine, tmp_path / "index")
    before = _fingerprint(index_dir)

    proc = subprocess.Popen([*communique_command(), "ingest", str(new_file), "--index", str(index_dir)],
                            cwd=REPO_ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = _StderrWatcher(proc.stderr)
    _kill_when(proc, watcher, lambda: watcher.embedded() > 0)  # the bar has moved: work is under way
    assert 0 < watcher.embedded() < NEW_RELEASES

    assert _fingerprint(index_dir) == before  # loadable, same generation, same answers
    info = run_cli("info", "--index", index_dir)
    assert info.returncode == 0 and "releases   24" in info.stdout, info.stderr

    again = run_cli("ingest", base_file, new_file, "--index", index_dir, "--no-progress")
    assert again.returncode == 0, again.stderr
    assert f"{NEW_RELEASES} added, 0 updated, 24 unchanged, 0 duplicates, 0 rejected" in again.stdout
    _assert_complete(index_dir, NEW_RELEASES)


def test_sigkill_after_a_checkpoint_keeps_the_checkpoint_and_the_next_ingest_resumes(base, tmp_path):
    """Checkpoints publish finished batches: a crash after one loses only the batch in progress."""
    root, base_file, new_file, pristine = base
    index_dir = _copy_index(pristine, tmp_path / "index")
    first_generation = generations.current_name(index_dir)
    code = ("import sys; from ingest.pipeline import ingest_paths; "
            "ingest_paths([sys.argv[1]], sys.argv[2], checkpoint_seconds=0)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(new_file), str(index_dir)], cwd=REPO_ROOT,
                            env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = _StderrWatcher(proc.stderr)
    _kill_when(proc, watcher, lambda: generations.current_name(index_dir) != first_generation)

    retriever = Retriever.open(index_dir, verify=True, auto_reload=False)
    stored = retriever.stats().releases - 24
    assert 0 < stored < NEW_RELEASES  # the checkpoint, not nothing and not everything
    for rid in [f"new-{i}" for i in range(NEW_RELEASES)]:
        release = retriever.release(rid)
        if release is not None:  # every stored release is whole: chunks cover it and match its text
            chunks = retriever.chunks_of(rid)
            assert chunks and all(release.text[c.start:c.end] == c.text for c in chunks)
    assert _fingerprint(index_dir)[1] is not None

    again = ingest_paths([base_file, new_file], index_dir, progress=False)
    assert (again.added, again.unchanged, again.duplicates, again.rejected) == (NEW_RELEASES - stored, 24 + stored, 0, 0)
    _assert_complete(index_dir, NEW_RELEASES)


def test_a_second_ingest_waits_for_the_first_instead_of_mixing(base, tmp_path):
    """The writer lock: a concurrent ingest is refused with a clear error, not interleaved."""
    from communique.index.errors import IndexBusy
    from communique.index.writer import IndexWriter

    root, base_file, new_file, pristine = base
    index_dir = _copy_index(pristine, tmp_path / "index")
    with IndexWriter.open(index_dir):
        with pytest.raises(IndexBusy, match="another ingest"):
            IndexWriter.open(index_dir, lock_timeout=0.5)


# --- damaged files: `communique info` -----------------------------------------------------------
def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x5A
    path.write_bytes(bytes(data))


DAMAGE = {
    "vectors truncated": ("vectors-en.faiss", _truncate),
    "vectors altered": ("vectors-fr.faiss", _flip_byte),
    "store truncated": ("records.sqlite", _truncate),
    "store altered": ("records.sqlite", _flip_byte),
    "lexical altered": ("lexical.npz", _flip_byte),
    "manifest truncated": ("manifest.json", _truncate),
    "manifest deleted": ("manifest.json", lambda p: p.unlink()),
    "vectors deleted": ("vectors-en.faiss", lambda p: p.unlink()),
    "CURRENT garbage": ("../CURRENT", lambda p: p.write_bytes(b"\xff\xfe\x00garbage")),
    "CURRENT names a missing generation": ("../CURRENT", lambda p: p.write_text("gen-000099\n")),
    "CURRENT points outside": ("../CURRENT", lambda p: p.write_text("../../etc\n")),
}


def _info_in_one_child(index_dirs: list[Path]) -> dict[str, dict]:
    """`communique info --index DIR` for many folders through the console script's entry point
    (`ui.cli:main`) in one child process: starting one process per folder costs seconds each."""
    code = """
import contextlib, io, json, sys
from communique.ui.cli import main
out = {}
for d in sys.argv[1:]:
    err, std = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        try:
            rc = main(["info", "--index", d])
        except BaseException as exc:
            rc = "raised " + type(exc).__name__ + ": " + str(exc)
    out[d] = {"rc": rc, "stderr": err.getvalue(), "stdout": std.getvalue()}
print(json.dumps(out))
"""
    result = subprocess.run([sys.executable, "-c", code, *map(str, index_dirs)], cwd=REPO_ROOT, env=child_env(),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def damaged(base, tmp_path_factory) -> dict[str, tuple[Path, Path, dict]]:
    """Every kind of damage applied to its own copy of the index, and what `info` said about it."""
    root, base_file, new_file, pristine = base
    folder = tmp_path_factory.mktemp("damaged")
    copies: dict[str, tuple[Path, Path]] = {}
    for n, damage in enumerate(sorted(DAMAGE)):
        index_dir = _copy_index(pristine, folder / f"d{n}")
        name, mutate = DAMAGE[damage]
        target = generations.current_generation(index_dir) / name
        mutate(target)
        copies[damage] = (index_dir, target)
    for n, damage in enumerate(sorted(DEEP_DAMAGE)):
        index_dir = _copy_index(pristine, folder / f"deep{n}")
        DEEP_DAMAGE[damage][0](generations.current_generation(index_dir))
        copies[damage] = (index_dir, index_dir)
    said = _info_in_one_child([d for d, _ in copies.values()])
    return {damage: (d, t, said[str(d)]) for damage, (d, t) in copies.items()}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_info_on_a_damaged_index_names_the_problem_and_how_to_rebuild(damaged, damage):
    index_dir, target, said = damaged[damage]
    assert said["rc"] == 1, said
    assert not said["stdout"]
    assert target.name in said["stderr"], said["stderr"]
    assert "communique ingest" in said["stderr"] and str(index_dir) in said["stderr"]
    with pytest.raises(IndexProblem):
        Retriever.open(index_dir)


def test_info_as_a_real_process_on_a_damaged_index(base, tmp_path):
    """The console script end to end: exit 1, a message, no traceback."""
    index_dir = _copy_index(base[3], tmp_path / "index")
    _truncate(generations.current_generation(index_dir) / "vectors-en.faiss")
    result = run_cli("info", "--index", index_dir)
    assert result.returncode == 1 and not result.stdout
    assert "Traceback" not in result.stderr
    assert "vectors-en.faiss" in result.stderr and "truncated" in result.stderr
    assert f"communique ingest YOUR_FILES --index {index_dir}" in result.stderr


def test_info_on_a_missing_index_says_how_to_build_one(tmp_path):
    result = run_cli("info", "--index", tmp_path / "nothing")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "communique ingest" in result.stderr


def test_ingest_into_a_damaged_index_refuses_rather_than_blessing_the_damage(base, tmp_path):
    """An ingest copies the current generation: an altered file must not be re-signed into the next one."""
    root, base_file, new_file, pristine = base
    index_dir = _copy_index(pristine, tmp_path / "index")
    _flip_byte(generations.current_generation(index_dir) / "records.sqlite")
    before = generations.current_name(index_dir)
    result = run_cli("ingest", REPO_ROOT / "samples" / "md", "--index", index_dir, "--no-progress")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "records.sqlite" in result.stderr and "checksum" in result.stderr
    assert generations.current_name(index_dir) == before


# --- damage the checksums cannot see: the manifest re-signed ---------------------------------------
def _resign(gen: Path) -> None:
    """What someone who rewrites a file and its manifest entry would do."""
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest["files"] = {name: file_digest(gen / name) for name in manifest["files"]}
    (gen / "manifest.json").write_text(json.dumps(manifest))


def _edit_manifest(**changes):
    def mutate(gen: Path) -> None:
        manifest = json.loads((gen / "manifest.json").read_text())
        manifest.update(changes)
        (gen / "manifest.json").write_text(json.dumps(manifest))
    return mutate


def _faiss_file(index) -> callable:
    def mutate(gen: Path) -> None:
        faiss.write_index(index, str(gen / "vectors-en.faiss"))
        _resign(gen)
    return mutate


def _resigned(mutate_file, name: str):
    def mutate(gen: Path) -> None:
        mutate_file(gen / name)
        _resign(gen)
    return mutate


def _npz(**arrays):
    def mutate(gen: Path) -> None:
        with np.load(gen / "lexical.npz", allow_pickle=False) as current:
            data = {k: current[k] for k in current.files}
        data.update(arrays)
        with open(gen / "lexical.npz", "wb") as handle:
            np.savez(handle, **data)
        _resign(gen)
    return mutate


def _empty_sqlite(path: Path) -> None:
    path.unlink()
    sqlite3.connect(path).close()


def _postings_out_of_range(gen: Path) -> None:
    """Well-formed arrays whose postings point at rows that do not exist (would fail at search)."""
    with np.load(gen / "lexical.npz", allow_pickle=False) as current:
        n_terms = len(current["indptr"]) - 1
    indptr = np.full(n_terms + 1, 3, dtype=np.int64)
    indptr[0] = 0
    _npz(rows=np.full(3, 10**6, dtype=np.int32), weights=np.ones(3, np.float32), indptr=indptr)(gen)


def _hnsw():
    index = faiss.IndexHNSWFlat(512, 8)
    index.add(np.random.default_rng(0).random((4, 512), dtype=np.float32))
    return index


DEEP_DAMAGE = {
    "vectors: random bytes": (_resigned(lambda p: p.write_bytes(os.urandom(4096)), "vectors-en.faiss"), "vectors-en"),
    "vectors: truncated": (_resigned(_truncate, "vectors-en.faiss"), "vectors-en"),
    "vectors: wrong dimension": (_faiss_file(faiss.IndexIDMap2(faiss.IndexFlatIP(8))), "dimension 8"),
    "vectors: another index type": (_faiss_file(_hnsw()), "IndexHNSWFlat"),
    "vectors: L2 metric": (_faiss_file(faiss.IndexIDMap2(faiss.IndexFlatL2(512))), "vectors-en"),
    "store: random bytes": (_resigned(lambda p: p.write_bytes(os.urandom(8192)), "records.sqlite"), "records.sqlite"),
    "store: truncated": (_resigned(_truncate, "records.sqlite"), "records.sqlite"),
    "store: empty database": (_resigned(_empty_sqlite, "records.sqlite"), "records.sqlite"),
    "lexical: not a zip": (_resigned(lambda p: p.write_bytes(b"PK\x03\x04" + os.urandom(999)), "lexical.npz"), "lexical"),
    "lexical: truncated": (_resigned(_truncate, "lexical.npz"), "lexical"),
    "lexical: postings out of range": (lambda gen: _postings_out_of_range(gen), "lexical"),
    "lexical: 2-d arrays": (_npz(vids=np.zeros((2, 2), dtype=np.int64)), "lexical"),
    "lexical: vocabulary not a list": (_resigned(lambda p: p.write_text('{"a": 1}'), "lexical-vocab.json"), "lexical-vocab"),
    "manifest: a list": (lambda gen: (gen / "manifest.json").write_text("[1, 2]"), "manifest"),
    "manifest: files not a mapping": (_edit_manifest(files=["records.sqlite"]), "manifest"),
    "manifest: files emptied": (_edit_manifest(files={}), "does not list"),
    "manifest: dim not a number": (_edit_manifest(dim="512"), "manifest"),
    "manifest: unknown version": (_edit_manifest(version=99), "format 99"),
    "manifest: unknown embedder": (_edit_manifest(embedder="nonsense"), "nonsense"),
    "manifest: embedder model folder gone": (_edit_manifest(embedder="st:/nonexistent/model"), "st:/nonexistent"),
}


@pytest.mark.parametrize("damage", sorted(DEEP_DAMAGE))
def test_damage_past_the_checksums_is_a_clear_error_not_a_crash(damaged, damage):
    index_dir, _, said = damaged[damage]
    expected = DEEP_DAMAGE[damage][1]
    with pytest.raises((IndexCorrupted, EmbedderMismatch)) as caught:
        Retriever.open(index_dir).search("project in Moncton")
    assert expected in str(caught.value)
    assert said["rc"] == 1 and expected in said["stderr"], said


class _Payload:
    """Unpickling this runs a shell command: the index must never do it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_planted_in_the_index_is_refused_not_run(base, tmp_path):
    root, base_file, new_file, pristine = base
    index_dir = _copy_index(pristine, tmp_path / "index")
    marker = tmp_path / "code-ran"
    payload = np.empty(1, dtype=object)
    payload[0] = _Payload(marker)
    gen = generations.current_generation(index_dir)
    _npz(indptr=payload, vids=payload)(gen)
    # A pickle in place of the record store and the vectors too.
    import pickle

    for name in ("records.sqlite", "vectors-en.faiss"):
        (gen / name).write_bytes(pickle.dumps(_Payload(marker)))
    _resign(gen)
    with pytest.raises(IndexCorrupted):
        Retriever.open(index_dir)
    result = run_cli("info", "--index", index_dir)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not marker.exists()


DESERIALISERS = re.compile(
    r"\bimport\s+(?:c?pickle|dill|shelve|marshal|joblib|cloudpickle)\b|\bfrom\s+(?:c?pickle|dill|joblib)\s+import"
    r"|pickle\.loads?\(|allow_pickle\s*=\s*True|torch\.load\(|joblib\.load\(|\byaml\.load\((?!.*SafeLoader)"
    r"|allow_dangerous_deserialization|\bload_local\(|(?<![\w.])eval\(|(?<![\w.])exec\("  # not model.eval()
)


def test_no_code_in_the_product_unpickles_or_evaluates_stored_data():
    offenders = []
    for package in ("index", "ingest", "assistant", "ui", "evals", "bench"):
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if DESERIALISERS.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
                if "np.load(" in line and "allow_pickle=False" not in line:
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}: np.load without allow_pickle=False")
    assert not offenders, "\n".join(offenders)
