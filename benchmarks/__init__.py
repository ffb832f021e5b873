"""Benchmarks: scripts that print speed and memory figures against a reference measured in the same run.

Run each from the repository root as a module, e.g. `python -m benchmarks.bench_solver`; what they share
is in benchmarks.common."""
