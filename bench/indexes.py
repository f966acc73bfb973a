"""The indexes the benchmarks query, built once and reused while they are current.

An index is current when its stamp (beside it, `<dir>.stamp.json`) names the same source
files (size and modification time), the same embedder and the same ingest/index code (a hash
of `ingest/*.py` and `index/*.py`): anything else rebuilds it. Builds run in a worker process
so that their time and peak memory are those of a plain ingest.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from communique.bench.memory import peak_rss_mb
from communique.bench.subprocess_task import REPO_ROOT, run_task

CODE_DIRS = ("ingest", "index")


@dataclass
class BuildInfo:
    index_dir: str
    chunks: int
    releases: int
    seconds: float
    embed_seconds: float
    peak_rss_mb: float | None
    built_at: str
    reused: bool = False

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["chunks_per_second"] = self.chunks_per_second
        return out


def code_hash() -> str:
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((REPO_ROOT / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stamp_for(sources: list[Path], embedder: str, provincial_limit: int | None, code: str | None = None) -> dict[str, Any]:
    """What an index was built from; `code` defaults to the hash of the ingest and index code."""
    files = []
    for path in sources:
        st = path.stat()
        files.append([str(path.resolve()), st.st_size, st.st_mtime_ns])
    return {"sources": files, "embedder": embedder, "provincial_limit": provincial_limit, "code": code or code_hash()}


def stamp_path(index_dir: Path) -> Path:
    return index_dir.with_name(index_dir.name + ".stamp.json")


def current_build(index_dir: Path, stamp: dict[str, Any]) -> BuildInfo | None:
    """The recorded build when the index exists and its stamp matches, else None."""
    path = stamp_path(index_dir)
    if not (index_dir / "CURRENT").exists() or not path.exists():
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if saved.get("stamp") != stamp:
        return None
    return BuildInfo(**{**saved["build"], "reused": True})


def ensure_index(index_dir: Path, sources: list[Path], *, embedder: str = "use", provincial_limit: int | None = None,
                 force: bool = False, code: str | None = None, log=print) -> BuildInfo:
    """Reuse `index_dir` when current, else rebuild it from `sources` in a worker process.

    With `provincial_limit`, `sources` are the shared-corpus GC files plus the provincial file,
    of which only the first `provincial_limit` releases are ingested (the shared evaluation set).
    """
    index_dir = Path(index_dir)
    stamp = stamp_for(sources, embedder, provincial_limit, code)
    if not force:
        build = current_build(index_dir, stamp)
        if build is not None:
            return build
    log(f"building {index_dir} ({embedder}; {', '.join(p.name for p in sources)})…")
    shutil.rmtree(index_dir, ignore_errors=True)
    stamp_path(index_dir).unlink(missing_ok=True)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    result = run_task("ingest", {"index": str(index_dir), "sources": [str(p) for p in sources],
                                 "embedder": embedder, "provincial_limit": provincial_limit})
    build = BuildInfo(index_dir=str(index_dir), built_at=_dt.datetime.now().isoformat(timespec="seconds"), **result)
    stamp_path(index_dir).write_text(json.dumps({"stamp": stamp, "build": asdict(build)}, indent=1), encoding="utf-8")
    return build


def ingest_task(args: dict[str, Any]) -> dict[str, Any]:
    """Worker: ingest `sources` (the provincial file cut to `provincial_limit` when given)."""
    import tempfile

    from communique.ingest.pipeline import ingest_paths

    sources = [Path(p) for p in args["sources"]]
    limit = args.get("provincial_limit")
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        if limit:
            from communique.evals.shared_corpus import PROVINCIAL_FILE, shared_sources

            corpus = next(p.parent for p in sources if p.name == PROVINCIAL_FILE)
            gc = [p for p in sources if p.name != PROVINCIAL_FILE]
            sliced = [p for p in shared_sources(corpus, Path(tmp), limit) if p.name.startswith("provincial-first")]
            sources = gc + sliced
        report = ingest_paths(sources, args["index"], embedder_name=args.get("embedder"), progress=False)
    return {"chunks": report.chunks, "releases": report.added + report.updated, "seconds": report.seconds,
            "embed_seconds": report.embed_seconds, "peak_rss_mb": peak_rss_mb()}
