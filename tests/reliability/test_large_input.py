"""A 50 MB release: ingested in bounded memory, cut into passages, searchable end to end.

Slow (embedding ~60,000 passages with the bundled USE model takes minutes on two cores):
run with `pytest -m slow tests/reliability/test_large_input.py`.
"""
from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from communique.index.retriever import Retriever
from reliability_support import REPO_ROOT, child_env, communique_command

SIZE = 50_000_000
MAX_RSS_BYTES = 1_500_000_000
MARKER = "The Quillback lighthouse at Cape Zanzibar receives 4.7 million dollars for its new foghorn."


def _write_release(path: Path, size: int) -> None:
    """Non-repeating prose (repeated paragraphs would be removed by cleaning), a marker in the middle."""
    rng = random.Random(7)
    subjects = ["The department", "The minister", "The federal government", "Officials", "The agency", "Canada"]
    verbs = ["announced", "invested", "confirmed", "delivered", "approved", "reviewed", "funded", "supported"]
    objects = ["new funding for", "a program for", "improvements to", "repairs of", "a study on", "grants for"]
    things = ["harbour infrastructure", "rural broadband", "wildfire crews", "public transit", "clean water",
              "housing units", "community centres", "research chairs", "bridges", "health clinics"]
    places = ["Cornwall", "Regina", "Moncton", "Kelowna", "Sherbrooke", "Thunder Bay", "Iqaluit", "Halifax"]
    written = 0
    n = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("A very long report on federal investments\n\n")
        while written < size:
            paragraph = " ".join(
                f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} {rng.choice(things)} in "
                f"{rng.choice(places)} worth ${rng.randint(1, 999)}.{rng.randint(0, 9)} million in project {n + k}."
                for k in range(6)
            )
            n += 6
            if written < size // 2 <= written + len(paragraph):
                paragraph += " " + MARKER
            handle.write(paragraph + "\n\n")
            written += len(paragraph) + 2


@pytest.mark.huge
@pytest.mark.timeout(3600)
def test_a_50_mb_release_is_chunked_in_bounded_memory(tmp_path, record_property):
    path = tmp_path / "very-long-report.txt"
    _write_release(path, SIZE)
    assert path.stat().st_size >= SIZE
    index_dir = tmp_path / "index"
    started = time.perf_counter()
    proc = subprocess.Popen([*communique_command(), "ingest", str(path), "--index", str(index_dir), "--no-progress"],
                            cwd=REPO_ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS, measured by the kernel
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = proc.stdout.read().decode(), proc.stderr.read().decode()
    seconds = time.perf_counter() - started
    peak = usage.ru_maxrss * 1024
    record_property("seconds", round(seconds))
    record_property("peak_rss_mb", round(peak / 1e6))
    print(f"\n50 MB release: {seconds:.0f} s, peak RSS {peak / 1e6:.0f} MB; {stdout.strip()}")
    assert proc.returncode == 0, stderr[-3000:]
    assert peak < MAX_RSS_BYTES

    retriever = Retriever.open(index_dir)
    stats = retriever.stats()
    assert stats.releases == 1 and stats.chunks > 10_000
    (release_id,) = retriever._snapshot.store.all_release_ids()
    release = retriever.release(release_id)
    assert len(release.text) > 0.95 * SIZE
    chunks = retriever.chunks_of(release_id)
    assert len(chunks) == stats.chunks and max(len(c.text) for c in chunks) < 4000
    assert all(release.text[c.start:c.end] == c.text for c in chunks[:: max(1, len(chunks) // 500)])
    hits = retriever.search("Quillback lighthouse Cape Zanzibar foghorn", k=3, per_release=3)
    assert any(MARKER in hit.text for hit in hits)


def _peak_rss_of_ingest(tmp_path: Path, title: str) -> int:
    """Peak RSS (bytes) of a `communique ingest` of two 25-passage releases carrying `title`."""
    import json

    folder = tmp_path / f"t{len(title)}"
    folder.mkdir()
    records = [{"id": f"t{i}", "lang": "en", "title": title,
                "text": " ".join(f"The minister announced project {i}-{k} in Digby with {k} million dollars."
                                 for k in range(300))} for i in range(2)]
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    proc = subprocess.Popen([*communique_command(), "ingest", str(folder), "--index", str(folder / "ix"),
                             "--no-progress"], cwd=REPO_ROOT, env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, proc.stderr.read().decode()[-2000:]
    assert "2 added" in proc.stdout.read().decode()
    return usage.ru_maxrss * 1024


@pytest.mark.slow
def test_a_100000_character_title_costs_no_more_memory_than_a_short_one(tmp_path, record_property):
    """Issue 12, row 14: the title was joined whole to every passage (measured before the cap: 764 MB
    peak against 270 MB for the same releases; 1.15 GB in the issue's run)."""
    short = _peak_rss_of_ingest(tmp_path, "Harbour funding")
    huge = _peak_rss_of_ingest(tmp_path, ("Harbour funding " * 7000)[:100_000])
    record_property("peak_rss_mb", {"short_title": round(short / 1e6), "100k_title": round(huge / 1e6)})
    assert huge < short + 100_000_000, (short, huge)
