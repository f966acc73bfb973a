"""The manifest is input: its numbers are validated, and it never chooses code to load.

Issue 12, rows 11 and 12: `"embedder": "st:/etc"` pointed model loading at a folder; counts of
10**400 or -5 were printed as they were. A real index is built with the real USE embedder.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from communique.index import embedders, generations
from communique.index.errors import EmbedderMismatch, IndexCorrupted
from communique.index.models import Chunk, Release
from communique.index.retriever import Retriever
from communique.index.writer import IndexWriter

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests" / "reliability"))
from reliability_support import run_cli  # noqa: E402


def _release(rid: str, text: str, lang: str = "en") -> Release:
    return Release(id=rid, lang=lang, text=text, title=rid, date="2024-06-01")


def _chunks(release: Release) -> list[Chunk]:
    cut = release.text.index(" ", len(release.text) // 2)
    spans = [(0, cut), (cut + 1, len(release.text))]
    return [Chunk(Chunk.make_id(release.id, s, e), release.id, s, e, release.text[s:e], release.lang) for s, e in spans]


RELEASES = [
    _release("r-harbour", "The federal government invests $70 million in the Cornwall harbour. Work starts in June."),
    _release("r-flags", "Les drapeaux seront mis en berne sur la Tour de la Paix. La cérémonie aura lieu à Ottawa.", "fr"),
    _release("r-bridge", "A new bridge opens in Moncton next spring. It cost $12 million and took two years."),
]


def _build(index_dir: Path, embedder_name: str = "use") -> Path:
    with IndexWriter.open(index_dir, embedder_name=embedder_name) as writer:
        for release in RELEASES:
            writer.upsert(release, _chunks(release))
        writer.commit(reopen=False)
    return index_dir


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("manifest") / "ix")


@pytest.fixture
def index_dir(built, tmp_path) -> Path:
    import shutil

    return Path(shutil.copytree(built, tmp_path / "ix"))


def _manifest_path(index_dir: Path) -> Path:
    return generations.current_generation(index_dir) / "manifest.json"


def _edit_raw(index_dir: Path, key: str, raw_json: str) -> None:
    """Set one field to a raw JSON literal (so that 10**400 is written as the digits, as an editor would)."""
    path = _manifest_path(index_dir)
    data = json.loads(path.read_text())
    data[key] = "@@VALUE@@"
    path.write_text(json.dumps(data).replace('"@@VALUE@@"', raw_json))


def test_a_pristine_index_opens_and_its_counts_match(built):
    stats = Retriever.open(built).stats()
    assert (stats.releases, stats.chunks) == (3, 6)
    assert stats.releases_by_lang == {"en": 2, "fr": 1} and stats.chunks_by_lang == {"en": 4, "fr": 2}


HUGE = "1" + "0" * 400
BAD_FIELDS = {
    "releases: 10**400": ("releases", HUGE, "'releases' must be an integer from 0 to"),
    "releases: -5": ("releases", "-5", "'releases' must be an integer from 0 to"),
    "chunks: 10**400": ("chunks", HUGE, "'chunks' must be an integer from 0 to"),
    "chunks: -5": ("chunks", "-5", "'chunks' must be an integer from 0 to"),
    "chunks: 6.0": ("chunks", "6.0", "'chunks' must be an integer"),
    "chunks: true": ("chunks", "true", "'chunks' must be an integer"),
    "chunks: a string": ("chunks", '"6"', "'chunks' must be an integer"),
    "chunks: 1e400 (infinity)": ("chunks", "1e400", "'chunks' must be an integer"),
    "dim: 10**400": ("dim", HUGE, "'dim' must be an integer from 1 to"),
    "dim: 0": ("dim", "0", "'dim' must be an integer from 1 to"),
    "by language: negative": ("chunks_by_lang", '{"en": -5, "fr": 11}', "'chunks_by_lang' must map language codes"),
    "by language: 10**400": ("releases_by_lang", '{"en": ' + HUGE + "}", "'releases_by_lang' must map language"),
    "by language: sum differs": ("chunks_by_lang", '{"en": 5, "fr": 2}', "'chunks_by_lang' adds up to 7, not 6"),
    "version: 10**400": ("version", HUGE, "index format 1000000000"),
    "embedder: a newline": ("embedder", '"use\\nrejected: forged line"', "'embedder' must be a non-empty one-line"),
    "files: size -1": ("files", '{"records.sqlite": {"size": -1, "sha256": "' + "0" * 64 + '"}}', "'files' entries"),
    "files: sha256 not hex": ("files", '{"records.sqlite": {"size": 1, "sha256": "xyz"}}', "'files' entries"),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_manifest_numbers_out_of_type_or_range_are_refused_with_a_short_message(index_dir, case):
    key, raw, expected = BAD_FIELDS[case]
    _edit_raw(index_dir, key, raw)
    with pytest.raises(IndexCorrupted) as caught:
        Retriever.open(index_dir)
    message = str(caught.value)
    assert expected in message and "manifest.json" in message
    assert HUGE not in message and len(message) < 700  # the damage is described, not reprinted whole


def test_the_cli_says_so_with_exit_1_and_no_traceback(index_dir):
    _edit_raw(index_dir, "chunks", HUGE)
    for args in (("info",), ("search", "harbour")):
        result = run_cli(*args, "--index", index_dir)
        assert result.returncode == 1 and not result.stdout, result
        assert "Traceback" not in result.stderr and "'chunks' must be an integer from 0 to" in result.stderr
        assert HUGE not in result.stderr


@pytest.mark.parametrize("key, value, expected", [
    ("releases", 5, "releases 5 {'en': 4, 'fr': 1}, the record store holds 3 {'en': 2, 'fr': 1}"),
    ("chunks", 9, "chunks 9 {'en': 7, 'fr': 2}, the record store holds 6 {'en': 4, 'fr': 2}"),
])
def test_counts_that_disagree_with_the_store_are_refused(index_dir, key, value, expected):
    """Well-formed numbers that are not what the files hold (the by-language counts kept consistent)."""
    path = _manifest_path(index_dir)
    data = json.loads(path.read_text())
    by_lang = data[f"{key}_by_lang"]
    by_lang["en"] += value - data[key]
    data[key] = value
    path.write_text(json.dumps(data))
    with pytest.raises(IndexCorrupted, match="does not match the index files") as caught:
        Retriever.open(index_dir)
    assert expected in str(caught.value)
    if key == "chunks":
        assert "chunks 9, the vector files hold 6" in str(caught.value)


# --- row 11: the manifest never chooses code to load ------------------------------------------------
class _NoModelFolder:
    """Stands in for the sentence-transformers class: constructing it means a folder would be loaded."""

    calls: list[str] = []

    def __init__(self, path: str) -> None:
        _NoModelFolder.calls.append(path)
        raise AssertionError(f"a model folder was loaded because the manifest named it: {path}")


@pytest.mark.parametrize("named", ["st:/etc", "st:../../some/model", "use+st:/etc"])
def test_a_manifest_naming_a_folder_loads_nothing_and_says_how_to_choose_it(index_dir, monkeypatch, named):
    monkeypatch.setattr(embedders, "SentenceTransformerEmbedder", _NoModelFolder)
    monkeypatch.delenv(embedders.EMBEDDER_ENV, raising=False)
    _edit_raw(index_dir, "embedder", json.dumps(named))
    with pytest.raises(EmbedderMismatch) as caught:
        Retriever.open(index_dir)
    assert "not an installed embedder" in str(caught.value) and "--embedder" in str(caught.value)
    with pytest.raises(EmbedderMismatch, match="not an installed embedder"):
        IndexWriter.open(index_dir)  # an ingest without --embedder: the same refusal
    assert _NoModelFolder.calls == []


def test_st_etc_on_the_command_line_is_a_clear_usage_error(index_dir):
    """Even when the user names it, a folder that is no model is refused before anything loads."""
    _edit_raw(index_dir, "embedder", '"st:/etc"')
    plain = run_cli("search", "harbour", "--index", index_dir)
    assert plain.returncode == 1 and "not an installed embedder" in plain.stderr and "Traceback" not in plain.stderr
    named = run_cli("search", "harbour", "--index", index_dir, "--embedder", "st:/etc")
    assert named.returncode == 2 and "Traceback" not in named.stderr
    assert "/etc is not a sentence-transformers model folder" in named.stderr


def test_a_local_model_index_opens_only_when_the_user_names_the_model(tmp_path, monkeypatch):
    """The bundled MiniLM through sentence-transformers: the real path-embedder route, chosen explicitly."""
    monkeypatch.delenv(embedders.EMBEDDER_ENV, raising=False)
    model = f"st:{embedders.bundled_minilm_path()}"
    index_dir = _build(tmp_path / "ix", embedder_name=model)
    with pytest.raises(EmbedderMismatch, match="not an installed embedder"):
        Retriever.open(index_dir)
    hits = Retriever.open(index_dir, embedder=model).search("bridge in Moncton", k=1)
    assert hits[0].release_id == "r-bridge"
    monkeypatch.setenv(embedders.EMBEDDER_ENV, model)  # the serve/ask route: the environment is the user's
    assert Retriever.open(index_dir).search("bridge in Moncton", k=1)[0].release_id == "r-bridge"
    with IndexWriter.open(index_dir) as writer:
        assert writer.embedder.name == model
    monkeypatch.delenv(embedders.EMBEDDER_ENV)
    ask = run_cli("ask", "When does the new bridge in Moncton open?", "--index", index_dir, "--embedder", model)
    assert ask.returncode == 0 and "[1]" in ask.stdout and "r-bridge" in ask.stdout, ask.stderr
