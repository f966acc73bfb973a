"""Benchmarks: speed, memory and scale of Communiqué, side by side with the plain LangChain recipe.

`communique bench` (ui/commands/bench.py) calls `bench.run.run_bench`; see bench/README.md for
what each figure means and the decisions drawn from them.
"""
