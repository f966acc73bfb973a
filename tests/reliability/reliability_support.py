"""Shared by the reliability tests: run the real `communique` command, write small inputs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable

REPO_ROOT = Path(__file__).resolve().parents[2]
EXIT_USAGE = 2
EXIT_REJECTED = 3


def communique_command() -> list[str]:
    """The installed console script when there is one (what users run), else the module."""
    script = Path(sys.executable).with_name("communique")
    return [str(script)] if script.exists() else [sys.executable, "-m", "communique.ui.cli"]


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", GRADIO_ANALYTICS_ENABLED="False",
               PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1")
    env.pop("COMMUNIQUE_INDEX", None)
    env.update(extra)
    return env


def run_cli(*args: str | Path, timeout: float = 300, prefix: Iterable[str] = ()) -> subprocess.CompletedProcess:
    """`communique ARGS...` in a child process; text output captured."""
    cmd = [*prefix, *communique_command(), *map(str, args)]
    return subprocess.run(cmd, cwd=REPO_ROOT, env=child_env(), capture_output=True, text=True, timeout=timeout)


def write_jsonl(path: Path, records: Iterable[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def release_record(i: int, *, lang: str = "en", prefix: str = "rel") -> dict:
    """A short, distinct release; its facts (town, amount, year) are derived from `i`."""
    towns = ["Cornwall", "Regina", "Moncton", "Kelowna", "Sherbrooke", "Thunder Bay", "Iqaluit", "Halifax"]
    town = towns[i % len(towns)]
    if lang == "fr":
        text = (f"Le gouvernement fédéral investit {i + 3} millions de dollars dans le projet numéro {i} à {town}. "
                f"Les travaux commenceront en {2020 + i % 9} et créeront {40 + i} emplois dans la région.")
        title = f"Projet {i} à {town}"
    else:
        text = (f"The federal government invests ${i + 3} million in project number {i} in {town}. "
                f"Work starts in {2020 + i % 9} and will create {40 + i} jobs in the region.")
        title = f"Project {i} in {town}"
    return {"id": f"{prefix}-{i}", "lang": lang, "title": title, "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "text": text}

