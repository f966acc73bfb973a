"""Ingest while reading: searches during a re-ingest in another process never fail and never mix
generations, and the reader moves to the new index by itself (no restart).

The writer publishes a checkpoint after every embedding batch (`checkpoint_seconds=0`), so the
readers see several generation switches, and it *changes* every release of the old index, so
a result mixing two generations would show (an old text beside a new release).
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from communique.index import generations
from communique.index.retriever import Retriever
from communique.ingest.pipeline import ingest_paths
from reliability_support import REPO_ROOT, child_env, release_record, write_jsonl

OLD = 40
NEW = 700
QUERIES = ["federal government invests in a project in Moncton", "jobs created in Halifax",
           "projet à Regina", "revised project in Cornwall", "work starts in Kelowna"]


def _revised(record: dict) -> dict:
    return {**record, "text": record["text"] + " This revised release adds a second phase of work."}


@pytest.fixture
def indexes(tmp_path):
    old_records = [release_record(9000 + i, lang="fr" if i % 4 == 0 else "en") for i in range(OLD)]
    base = write_jsonl(tmp_path / "old.jsonl", old_records)
    index_dir = tmp_path / "index"
    assert ingest_paths([base], index_dir, progress=False).added == OLD
    # The update: every old release revised (first, so it lands in the first checkpoint), then new ones.
    update = write_jsonl(tmp_path / "update.jsonl", [_revised(r) for r in old_records]
                         + [release_record(i, prefix="new") for i in range(NEW)])
    old_texts = {r["id"]: Retriever.open(index_dir).release(r["id"]).text for r in old_records}
    return index_dir, update, old_texts


def _classify(retriever: Retriever, hits, old_texts: dict[str, str]) -> set[str]:
    """'old' for an old release as it was, 'new' for a revised or a new release (each is one chunk)."""
    kinds = set()
    for hit in hits:
        if hit.release_id in old_texts and "revised release" not in hit.text:
            assert hit.text == old_texts[hit.release_id]
            kinds.add("old")
        else:
            kinds.add("new")
    return kinds


@dataclass
class _Readers:
    """Threads searching while an ingest runs, and what they saw."""

    retriever: Retriever
    old_texts: dict
    errors: list[str] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)
    seen_generations: Counter = field(default_factory=Counter)
    searches: Counter = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)

    def search_loop(self, worker: int) -> None:
        n = 0
        while not self.stop.is_set():
            query = QUERIES[(n + worker) % len(QUERIES)]
            n += 1
            try:
                snapshot = self.retriever._snapshot
                hits = self.retriever.search(query, k=8, per_release=2)
                self.seen_generations[self.retriever._snapshot.name] += 1
                for hit in hits:  # each hit is a real passage of a stored release
                    assert hit.text and hit.release_id and hit.end > hit.start
                if len(_classify(self.retriever, hits, self.old_texts)) > 1:
                    self.mixed.append(f"{query!r} on {snapshot.name}: {[(h.release_id, h.text[-60:]) for h in hits]}")
                self.searches[worker] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                self.errors.append(f"{type(exc).__name__}: {exc}")

    def fresh_thread_searches(self) -> None:
        """A new thread per search, as a server's workers come and go (new SQLite connections)."""
        while not self.stop.is_set():
            thread = threading.Thread(target=self.one_search)
            thread.start()
            thread.join()
            time.sleep(0.05)

    def one_search(self) -> None:
        try:
            hits = self.retriever.search(QUERIES[0], k=5)
            if hits:
                assert self.retriever.release(hits[0].release_id) is not None
            self.searches["fresh"] += 1
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"fresh thread: {type(exc).__name__}: {exc}")


def test_searches_during_an_ingest_never_fail_and_never_mix_generations(indexes):
    index_dir, update, old_texts = indexes
    retriever = Retriever.open(index_dir)  # auto_reload: checks for a new generation every second
    first_generation = retriever.stats().generation
    state = _Readers(retriever, old_texts)
    errors, mixed, seen_generations, searches, stop = (state.errors, state.mixed, state.seen_generations,
                                                       state.searches, state.stop)
    readers = [threading.Thread(target=state.search_loop, args=(w,), daemon=True) for w in range(2)]
    readers.append(threading.Thread(target=state.fresh_thread_searches, daemon=True))
    for reader in readers:
        reader.start()
    code = ("import sys; from ingest.pipeline import ingest_paths; "
            "r = ingest_paths([sys.argv[1]], sys.argv[2], progress=False, checkpoint_seconds=0); "
            "print(r.summary())")
    writer = subprocess.run([sys.executable, "-c", code, str(update), str(index_dir)], cwd=REPO_ROOT,
                            env=child_env(), capture_output=True, text=True, timeout=600)
    assert writer.returncode == 0, writer.stderr
    assert f"{NEW} added, {OLD} updated" in writer.stdout

    # Without a restart, the readers move to the final generation within a couple of seconds.
    final = generations.current_name(index_dir)
    deadline = time.monotonic() + 10
    while retriever._snapshot.name != final and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    stop.set()
    for reader in readers:
        reader.join(timeout=30)

    assert not errors, errors[:5]
    assert not mixed, mixed[:3]
    assert retriever._snapshot.name == final != first_generation
    assert sum(searches.values()) > 20 and searches["fresh"] > 0, searches
    assert len(seen_generations) >= 2, seen_generations  # searches really ran across a switch
    stats = retriever.stats()
    assert stats.generation == final and stats.releases == OLD + NEW
    probe = release_record(613, prefix="new")
    assert retriever.search(probe["title"], k=1)[0].release_id == "new-613"
    assert "revised release" in retriever.release("rel-9003").text


def test_a_reader_left_on_an_old_generation_keeps_answering_after_it_is_cleaned_away(indexes):
    """Generations older than the kept one are deleted by the next writer; a reader that has not
    reloaded yet (auto reload off) must keep answering from what it loaded."""
    index_dir, update, old_texts = indexes
    retriever = Retriever.open(index_dir, auto_reload=False)
    before = [h.release_id for h in retriever.search(QUERIES[0], k=5)]
    first = retriever._snapshot.folder
    for n in range(3):  # three more generations: the first one is deleted
        records = [release_record(20000 + 10 * n + i, prefix="later") for i in range(3)]
        ingest_paths([write_jsonl(index_dir.parent / f"later-{n}.jsonl", records)], index_dir, progress=False)
    assert not first.exists()
    errors = []

    def in_a_new_thread() -> None:  # a thread that never touched the store before the deletion
        try:
            assert [h.release_id for h in retriever.search(QUERIES[0], k=5)] == before
            assert retriever.release(before[0]) is not None
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=in_a_new_thread)
    thread.start()
    thread.join()
    assert not errors, errors
    assert retriever.reload_if_changed() is True
    assert retriever.stats().releases == OLD + 9


# --- one question, one generation ----------------------------------------------------------------
def _shifted(record: dict) -> dict:
    """The same facts with a sentence in front: every offset of the old text moves."""
    return {**record, "text": "In a revised statement this week, officials confirmed the figures. " + record["text"]}


@pytest.fixture
def two_generations(tmp_path):
    records = [release_record(i) for i in range(10)]
    index_dir = tmp_path / "index"
    ingest_paths([write_jsonl(tmp_path / "old.jsonl", records)], index_dir, progress=False)

    def publish_shifted() -> None:
        ingest_paths([write_jsonl(tmp_path / "new.jsonl", [_shifted(r) for r in records])], index_dir, progress=False)
    return index_dir, publish_shifted


def test_a_pinned_view_keeps_a_search_and_its_reads_on_one_generation(two_generations):
    index_dir, publish_shifted = two_generations
    shared = Retriever.open(index_dir)
    view = shared.pinned()
    publish_shifted()
    assert shared.reload_if_changed() is True  # another thread moved the shared retriever on
    hits = view.search("investment in project number 3", k=3)
    release = view.release(hits[0].release_id)
    assert release.text[hits[0].start:hits[0].end] == hits[0].text
    assert "revised statement" not in release.text  # still the generation the view was taken on
    assert view.reload_if_changed() is True and "revised statement" in view.release(hits[0].release_id).text


def test_an_answer_is_not_broken_by_a_generation_switch_between_search_and_quote(two_generations, monkeypatch):
    """Another thread's search may switch the shared retriever to a new generation between this
    question's search and its reading of the releases: the answer must still quote correctly."""
    assistant_module = pytest.importorskip("communique.assistant.assistant")
    index_dir, publish_shifted = two_generations
    assistant = assistant_module.Assistant.open(index_dir)
    question = "How much does the federal government invest in project number 3?"
    assert not assistant.ask(question).abstained
    old = Retriever.open(index_dir, auto_reload=False)
    publish_shifted()
    shared = assistant.retriever
    original = Retriever.search

    def search_then_another_thread_reloads(self, *args, **kwargs):
        hits = original(self, *args, **kwargs)
        shared.reload_if_changed()
        return hits

    monkeypatch.setattr(Retriever, "search", search_then_another_thread_reloads)
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    new = Retriever.open(index_dir)
    for citation in answer.citations:  # exact offsets into one generation's text or the other's
        assert citation.quote in (old.release(citation.release_id).text[citation.start:citation.end],
                                  new.release(citation.release_id).text[citation.start:citation.end])


def test_the_chat_answers_from_a_new_index_without_restart(tmp_path):
    """The chat's backend follows a re-ingest: a release added while it runs is cited at once."""
    backend_module = pytest.importorskip("communique.ui.backend", reason="ui.backend not written yet")
    records = [release_record(i) for i in range(6)]
    index_dir = tmp_path / "index"
    ingest_paths([write_jsonl(tmp_path / "old.jsonl", records)], index_dir, progress=False)
    backend = backend_module.ChatBackend(index_dir)
    filters = backend_module.Filters()
    question = "How much will the Quillback Cove breakwater receive?"
    before = backend.ask(question, history=None, lang=None, filters=filters)
    assert before.abstained

    news = {"id": "quillback", "lang": "en", "title": "Quillback Cove breakwater", "date": "2024-03-14",
            "text": "The Quillback Cove breakwater in Nunavut will receive $4.7 million from the Harbour "
                    "Renewal Fund. Work starts in April 2024."}
    ingest_paths([write_jsonl(tmp_path / "new.jsonl", [news])], index_dir, progress=False)
    after = backend.ask(question, history=None, lang=None, filters=filters)
    assert not after.abstained and "$4.7 million" in after.text
    assert [c.release_id for c in after.citations] == ["quillback"]
    assert backend.stats().releases == 7
