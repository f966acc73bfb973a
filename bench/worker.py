"""Measurements that need a process of their own (peak memory, thread settings, cold caches).

    python -m communique.bench.worker TASK < args.json     # prints `BENCH-RESULT {json}` as its last line

The parent (`bench.subprocess_task`) passes arguments as JSON on stdin and reads the result
from the marked line, so library output on stdout cannot corrupt it.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable

from communique.bench.subprocess_task import MARKER


def _tasks() -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
    from communique.bench import indexes, profiling, queries, scale, search_modes, threads

    return {
        "ingest": indexes.ingest_task,
        "query": queries.query_task,
        "stages": queries.stages_task,
        "scale": scale.scale_task,
        "threads": threads.threads_task,
        "profile": profiling.profile_task,
        "search_modes": search_modes.search_modes_task,
    }


def main(argv: list[str]) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if len(argv) != 1:
        print("usage: python -m communique.bench.worker TASK < args.json", file=sys.stderr)
        return 2
    tasks = _tasks()
    if argv[0] not in tasks:
        print(f"unknown task {argv[0]!r}; one of {', '.join(sorted(tasks))}", file=sys.stderr)
        return 2
    args = json.loads(sys.stdin.read() or "{}")
    result = tasks[argv[0]](args)
    sys.stdout.flush()
    print(MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
