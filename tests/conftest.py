"""Session fixtures: real indexes built once per test session with the real bundled models."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "samples"
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
TEST_OUTPUT = REPO_ROOT / "test-output"


# Markers that follow the fixtures a test uses, directly or through another fixture:
# - `slow`: builds an index of the whole shared corpus (minutes), so `make test-fast` never does;
# - `llm_server`: needs llama.cpp's server, which `make test` builds in the background and tests last.
MARKERS_BY_FIXTURE = {"shared_index": "slow", "llama_server": "llm_server"}
# The per-test timeout (300 s, pyproject.toml) also covers fixture setup; the first test to use the
# shared index pays for building it, so those tests get longer.
SHARED_INDEX_TIMEOUT_S = 1800


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for fixture in fixtures & MARKERS_BY_FIXTURE.keys():
            item.add_marker(MARKERS_BY_FIXTURE[fixture])
        if "shared_index" in fixtures:
            item.add_marker(pytest.mark.timeout(SHARED_INDEX_TIMEOUT_S))


def require_shared_corpus() -> Path:
    if not (SHARED_CORPUS / "seed_release_fr.txt").exists():
        pytest.skip(f"shared corpus absent ({SHARED_CORPUS}): the test needs ../shared/corpus beside the repo")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    return require_shared_corpus()


@pytest.fixture(scope="session")
def samples_index(tmp_path_factory) -> Path:
    """The bundled samples, ingested with the default embedder."""
    from communique.ingest.pipeline import ingest_paths

    index_dir = tmp_path_factory.mktemp("samples") / "index"
    report = ingest_paths([SAMPLES], index_dir, progress=False)
    assert report.rejected == 0, [str(p) for p in report.problems]
    return index_dir


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory) -> Path:
    """All GC files of ../shared/corpus plus the first 1,000 provincial releases (the shared golden set's index)."""
    require_shared_corpus()
    from communique.ui.commands.shared_index import build_shared_index  # the same checked build as `make eval`

    index_dir = tmp_path_factory.mktemp("shared") / "index"
    build_shared_index(index_dir, progress=False)
    return index_dir


@pytest.fixture(scope="session")
def test_output() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT
