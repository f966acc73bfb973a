"""Shared fixtures for the ingest tests: the seed release is read from ../shared, never copied."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    path = SHARED_CORPUS / "seed_release_fr.txt"
    if not path.is_file():
        pytest.skip(f"seed release not available at {path} (the shared development corpus is absent)")
    return path
