"""Benchmarks of the platform, run with `python -m bench` (or `make bench`); see docs/benchmarks.md."""
