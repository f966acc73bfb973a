"""`slow` follows the fixtures a test uses: whatever builds the shared index is marked, so
`make test-fast` (-m "not slow") never spends minutes embedding the shared corpus."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT


def _selected(marker_expression: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-m", marker_expression,
         "tests/assistant/test_shared.py", "tests/assistant/test_text.py"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=240,
    )
    assert proc.returncode in (0, 5), proc.stdout[-2000:] + proc.stderr[-2000:]
    return {line.split("::")[0] for line in proc.stdout.splitlines() if "::" in line}


def test_tests_using_the_shared_index_are_slow_and_others_are_not():
    assert _selected("slow") == {"tests/assistant/test_shared.py"}  # test_text.py uses no shared index
