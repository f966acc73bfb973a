"""Fixtures for the benchmark smoke tests: tiny real inputs, no timings asserted."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_RELEASES = REPO_ROOT / "samples" / "releases.jsonl"


@pytest.fixture(scope="session")
def sample_releases() -> Path:
    return SAMPLE_RELEASES


@pytest.fixture(scope="session")
def sample_queries():
    """Three questions over the bundled samples (one asked in French of a bilingual pair)."""
    from communique.bench.corpus import Query

    return [
        Query("s1", "How much are Canada and Alberta investing in wildfire equipment and crews?", "en", "en-en", True,
              ("smp-alberta-wildfire-equipment-en",), ()),
        Query("s2", "Combien coûte l'investissement dans les ports pour petits bateaux en Nouvelle-Écosse ?", "fr",
              "fr-fr", True, ("smp-ns-harbours-fr",), ()),
        Query("s3", "What is the price of a dragon egg on Mars?", "en", "unanswerable", False, (), ()),
    ]
