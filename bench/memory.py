"""Resident memory and disk size. Peak RSS is read from /proc/self/status (VmHWM): it belongs
to the process's own address space, so a worker started from a big parent process does not
inherit the parent's peak (getrusage's ru_maxrss can)."""
from __future__ import annotations

from pathlib import Path


def _status_kb(field: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mb() -> float | None:
    """Highest resident set size of this process so far, in MB (None off Linux)."""
    kb = _status_kb("VmHWM")
    if kb is None:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return kb / 1024.0


def rss_mb() -> float | None:
    kb = _status_kb("VmRSS")
    return None if kb is None else kb / 1024.0


def tree_bytes(path: Path) -> int:
    """Total size of the regular files under `path`."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def index_bytes(index_dir: Path) -> int:
    """Size on disk of the published generation of an index (what a reader loads)."""
    from communique.index.generations import current_generation

    return tree_bytes(current_generation(Path(index_dir)))
