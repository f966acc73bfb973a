"""Run a `bench.worker` task in a fresh Python process and return its JSON result."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
# The worker prints its result on a line starting with this, so library output on stdout cannot corrupt it.
MARKER = "BENCH-RESULT "


class WorkerFailed(RuntimeError):
    pass


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def run_task(task: str, args: dict[str, Any], *, env: dict[str, str] | None = None,
             timeout: float | None = None) -> dict[str, Any]:
    """Result of `python -m communique.bench.worker task`; raises WorkerFailed with its stderr tail."""
    proc = subprocess.run([sys.executable, "-m", "communique.bench.worker", task], input=json.dumps(args), text=True,
                          capture_output=True, env=bench_env(env), cwd=str(REPO_ROOT), timeout=timeout)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
    raise WorkerFailed(f"bench worker {task!r} exited {proc.returncode} without a result:\n{tail}")
