"""The PostgreSQL sections' worker process: `python -m communique.bench.pg_worker TASK < args.json`.

Same protocol as `bench.worker` (the result on the last line, after `MARKER`), in a process of
its own so that the 1M vectors and the server it starts are gone when the task ends; its log
lines go straight to the bench's stderr, so a long build shows its progress.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Callable

from communique.bench.subprocess_task import MARKER, REPO_ROOT, WorkerFailed, bench_env


def _tasks() -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
    from communique.bench import pg_corpus, pgvector

    return {"pgvector": pgvector.pgvector_task, "pg_corpus": pg_corpus.corpus_task}


def run_pg_task(task: str, args: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
    """Result of the task in a fresh process; raises WorkerFailed when it prints none."""
    proc = subprocess.run([sys.executable, "-m", "communique.bench.pg_worker", task], input=json.dumps(args),
                          text=True, stdout=subprocess.PIPE, stderr=None, env=bench_env(), cwd=str(REPO_ROOT),
                          timeout=timeout)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return dict(json.loads(line[len(MARKER):]))
    raise WorkerFailed(f"bench pg worker {task!r} exited {proc.returncode} without a result (its stderr is above)")


def main(argv: list[str]) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    tasks = _tasks()
    if len(argv) != 1 or argv[0] not in tasks:
        print(f"usage: python -m communique.bench.pg_worker {{{','.join(tasks)}}} < args.json", file=sys.stderr)
        return 2
    result = tasks[argv[0]](json.loads(sys.stdin.read() or "{}"))
    sys.stdout.flush()
    print(MARKER + json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
