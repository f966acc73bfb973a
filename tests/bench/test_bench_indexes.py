from __future__ import annotations

import os

from communique.bench.indexes import code_hash, current_build, ensure_index, stamp_for


def test_index_is_built_once_then_reused_until_a_source_changes(sample_releases, tmp_path):
    source = tmp_path / "releases.jsonl"
    source.write_bytes(sample_releases.read_bytes())
    index_dir = tmp_path / "idx"
    # `code` pinned: other work may edit ingest/ or index/ while this runs (that would rebuild)
    first = ensure_index(index_dir, [source], embedder="use", code="pinned", log=lambda _m: None)
    assert not first.reused and first.chunks > 0 and first.seconds > 0 and first.peak_rss_mb
    again = ensure_index(index_dir, [source], embedder="use", code="pinned", log=lambda _m: None)
    assert again.reused and again.chunks == first.chunks and again.built_at == first.built_at
    st = source.stat()
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert current_build(index_dir, stamp_for([source], "use", None, "pinned")) is None  # stale: would rebuild
    assert current_build(index_dir, stamp_for([sample_releases], "use", None, "pinned")) is None
    assert current_build(index_dir, stamp_for([source], "use", None, "other code")) is None
    assert len(code_hash()) == 16
