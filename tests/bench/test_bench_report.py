from __future__ import annotations

import json

from communique.bench.report import BenchReport, Figure, machine_info, render_table
from communique.bench.run import write_report
from communique.bench.stats import Stat


def test_table_and_json_carry_every_figure(tmp_path):
    report = BenchReport(machine=machine_info(), config={"quick": True})
    report.add(Figure.of("query", "search", Stat.of([10.0, 12.0, 30.0] * 4, "ms"), target="≤ 20 ms", met=True))
    report.add(Figure("query", "ask", "not yet", note="assistant missing"))
    report.add(Figure("memory", "peak RSS", 2048.0, "MB", target="≤ 1 GB", met=False))
    report.skipped.append("scale: not in --quick")
    table = render_table(report)
    assert "| query | search | 12.0 ms | p95 " in table
    assert "| not yet |" in table and "MISSED" in table and "skipped: scale" in table
    path = write_report(report, tmp_path)
    data = json.loads(path.read_text())
    assert [f["name"] for f in data["figures"]] == ["search", "ask", "peak RSS"]
    assert data["machine"]["cores"] >= 1 and (tmp_path / "latest.md").read_text().startswith("Communiqué")
