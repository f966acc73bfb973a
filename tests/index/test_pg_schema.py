"""The PostgreSQL schema's tunable HNSW settings: read from the environment, checked before they
are written into SQL, and used when the indexes are created."""
from __future__ import annotations

import pytest

pg_schema = pytest.importorskip("communique.index.storage.pg_schema", reason="needs the pg extra")


def test_a_setting_comes_from_the_environment_within_its_range(monkeypatch):
    monkeypatch.setenv("COMMUNIQUE_PG_HNSW_M", "32")
    assert pg_schema._setting("COMMUNIQUE_PG_HNSW_M", 16, 2, 100) == 32
    monkeypatch.setenv("COMMUNIQUE_PG_HNSW_M", "")
    assert pg_schema._setting("COMMUNIQUE_PG_HNSW_M", 16, 2, 100) == 16


@pytest.mark.parametrize("raw", ["0", "101", "16; DROP TABLE passages", "-4", "1e3"])
def test_a_bad_setting_is_refused_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("COMMUNIQUE_PG_HNSW_M", raw)
    with pytest.raises(ValueError, match="COMMUNIQUE_PG_HNSW_M"):
        pg_schema._setting("COMMUNIQUE_PG_HNSW_M", 16, 2, 100)


def test_the_hnsw_indexes_are_created_with_the_graph_settings(monkeypatch):
    monkeypatch.setattr(pg_schema, "HNSW_M", 32)
    monkeypatch.setattr(pg_schema, "HNSW_EF_CONSTRUCTION", 128)
    ddl = pg_schema.ddl(512)
    assert ddl.count("WITH (m = 32, ef_construction = 128)") == len(pg_schema.GROUPS)
