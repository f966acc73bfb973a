"""Golden question sets and the code that scores the assistant and the retriever on them.

Entry points: `evals.runner.run_eval`, `evals.compare.compare_runs`, `evals.floors.check_floors`;
metrics are plain functions in `evals.metrics` (no model needed).
"""
